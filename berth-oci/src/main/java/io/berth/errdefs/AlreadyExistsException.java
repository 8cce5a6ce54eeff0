package io.berth.errdefs;

/** Error kind: a thing with that name or id exists already. */
public final class AlreadyExistsException extends BerthException {
  public AlreadyExistsException(String message) {
    super(message);
  }

  public AlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
