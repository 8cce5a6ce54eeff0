package io.berth.errdefs;

/** Error kind: the operation is never allowed on this object (a pre-defined network...). */
public final class ForbiddenException extends BerthException {
  public ForbiddenException(String message) {
    super(message);
  }

  @Override
  public int httpStatus() {
    return 403;
  }
}
