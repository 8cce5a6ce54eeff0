package io.berth.errdefs;

/** Error kind: the request conflicts with the current state (in use, running...). */
public final class ConflictException extends BerthException {
  public ConflictException(String message) {
    super(message);
  }

  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
