package io.berth.errdefs;

/** Error kind: the thing named does not exist. */
public final class NotFoundException extends BerthException {
  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 404;
  }
}
