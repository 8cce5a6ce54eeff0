package io.berth.cluster.dispatcher;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.NotImplementedException;
import io.berth.errdefs.UnauthorizedException;
import io.berth.errdefs.UnavailableException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Carries Berth's error kinds over gRPC and back: the server answers an errdefs exception with
 * the matching status code and its message, the client turns the code back into the same kind,
 * so a refused token reads the same on the joining node as on the manager. A follower's refusal
 * names the leader's dispatcher address in a trailer so clients move to it.
 */
final class GrpcErrors {
  /** Trailer naming the leader's dispatcher address when a follower refuses a leader-only call. */
  static final Metadata.Key<String> LEADER = Metadata.Key.of("berth-leader", Metadata.ASCII_STRING_MARSHALLER);

  private GrpcErrors() {}

  static StatusRuntimeException toStatus(Throwable error) {
    if (error instanceof StatusRuntimeException s) {
      return s;
    }
    Status code = switch (error) {
      case InvalidArgumentException e -> Status.INVALID_ARGUMENT;
      case NotFoundException e -> Status.NOT_FOUND;
      case AlreadyExistsException e -> Status.ALREADY_EXISTS;
      case ConflictException e -> Status.ABORTED;
      case FailedPreconditionException e -> Status.FAILED_PRECONDITION;
      case UnavailableException e -> Status.UNAVAILABLE;
      case UnauthorizedException e -> Status.UNAUTHENTICATED;
      case ForbiddenException e -> Status.PERMISSION_DENIED;
      case NotImplementedException e -> Status.UNIMPLEMENTED;
      default -> Status.INTERNAL;
    };
    String message = error instanceof BerthException ? error.getMessage()
        : "dispatcher internal error: " + error;
    return code.withDescription(message).asRuntimeException();
  }

  /** The follower's refusal of a leader-only call, naming the leader when it is known. */
  static StatusRuntimeException notLeader(Optional<String> leaderAddr) {
    Metadata trailers = new Metadata();
    leaderAddr.ifPresent(a -> trailers.put(LEADER, a));
    return Status.UNAVAILABLE
        .withDescription("this manager is not the swarm leader"
            + leaderAddr.map(a -> "; the leader's dispatcher is at " + a).orElse(" and no leader is known"))
        .asRuntimeException(trailers);
  }

  /** The leader a refusal names, if any. */
  static Optional<String> leaderOf(StatusRuntimeException e) {
    return Optional.ofNullable(e.getTrailers()).map(t -> t.get(LEADER));
  }

  /** The causes of a transport failure (the TLS alert, the refused connection), innermost last. */
  private static String causes(Throwable cause) {
    StringBuilder b = new StringBuilder();
    int depth = 0;
    for (Throwable t = cause; t != null && depth < 5; t = t.getCause(), depth++) {
      String m = t.getMessage() == null ? null : firstLine(t.getMessage());
      if (m != null && !m.isBlank() && b.indexOf(m) < 0) {
        b.append(": ").append(m);
      }
    }
    return b.toString();
  }

  /** Netty appends its channel pipeline on further lines: the first line is the message. */
  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /** The errdefs kind a status names, with the server's message (and what was being done). */
  static BerthException fromStatus(StatusRuntimeException e, String doing) {
    Status s = e.getStatus();
    String message = s.getCode() == Status.Code.UNAVAILABLE || s.getDescription() == null
        ? doing + ": " + (s.getDescription() != null ? firstLine(s.getDescription()) : s.getCode())
            + causes(s.getCause() != null ? s.getCause() : e.getCause())
        : s.getDescription();
    return switch (s.getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> new InvalidArgumentException(message, e);
      case NOT_FOUND -> new NotFoundException(message, e);
      case ALREADY_EXISTS -> new AlreadyExistsException(message, e);
      case ABORTED -> new ConflictException(message, e);
      case FAILED_PRECONDITION, RESOURCE_EXHAUSTED -> new FailedPreconditionException(message, e);
      case UNAUTHENTICATED -> new UnauthorizedException(message);
      case PERMISSION_DENIED -> new ForbiddenException(message);
      case UNIMPLEMENTED -> new NotImplementedException(message);
      default -> new UnavailableException(message, e);
    };
  }
}
