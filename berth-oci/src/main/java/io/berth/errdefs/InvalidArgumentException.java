package io.berth.errdefs;

/** Error kind: the caller's input is malformed or out of range. */
public final class InvalidArgumentException extends BerthException {
  public InvalidArgumentException(String message) {
    super(message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
