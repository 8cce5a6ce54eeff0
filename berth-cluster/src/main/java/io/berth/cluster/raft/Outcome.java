package io.berth.cluster.raft;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.NotFoundException;
import java.util.List;

/**
 * What applying a batch gave: the objects written, or why it was refused. A refusal is a result,
 * not a failure of the log: every member reaches the same one, and the member that proposed the
 * write turns it into the errdefs exception its caller expects.
 */
sealed interface Outcome {

  record Applied(List<StoredObject> objects) implements Outcome {
    public Applied {
      objects = List.copyOf(objects);
    }
  }

  record Refused(Reason reason, String message) implements Outcome {}

  enum Reason {
    EXISTS,
    NOT_FOUND,
    OUT_OF_SEQUENCE
  }

  /** The objects written, or the refusal as the errdefs kind it stands for. */
  default List<StoredObject> objectsOrThrow() {
    return switch (this) {
      case Applied a -> a.objects();
      case Refused r -> throw exception(r);
    };
  }

  private static BerthException exception(Refused r) {
    return switch (r.reason()) {
      case EXISTS -> new AlreadyExistsException(r.message());
      case NOT_FOUND -> new NotFoundException(r.message());
      case OUT_OF_SEQUENCE -> new ConflictException(r.message());
    };
  }
}
