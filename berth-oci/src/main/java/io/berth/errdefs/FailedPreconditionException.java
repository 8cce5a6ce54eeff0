package io.berth.errdefs;

/** Error kind: the system is not in a state that allows the operation. */
public final class FailedPreconditionException extends BerthException {
  public FailedPreconditionException(String message) {
    super(message);
  }

  public FailedPreconditionException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 500;
  }
}
