package io.berth.cluster.control;

import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotImplementedException;

/**
 * Errors the way Docker shows the ones its managers' control API raises: swarmkit's gRPC status
 * text ({@code rpc error: code = X desc = ...}) passed through by dockerd, with the HTTP status
 * dockerd maps the code to (InvalidArgument and FailedPrecondition 400, AlreadyExists 409,
 * Unimplemented 501). Users and scripts match on these texts.
 */
final class RpcErrors {
  private RpcErrors() {}

  static InvalidArgumentException invalidArgument(String desc) {
    return new InvalidArgumentException(text("InvalidArgument", desc));
  }

  static InvalidArgumentException failedPrecondition(String desc) {
    return new InvalidArgumentException(text("FailedPrecondition", desc));
  }

  static AlreadyExistsException alreadyExists(String desc) {
    return new AlreadyExistsException(text("AlreadyExists", desc));
  }

  static NotImplementedException unimplemented(String desc) {
    return new NotImplementedException(text("Unimplemented", desc));
  }

  /** swarmkit's "update out of sequence" for an update from a version that is no longer current. */
  static ConflictException outOfSequence() {
    return new ConflictException(text("Unknown", io.berth.cluster.raft.ClusterStore.OUT_OF_SEQUENCE));
  }

  private static String text(String code, String desc) {
    return "rpc error: code = " + code + " desc = " + desc;
  }
}
