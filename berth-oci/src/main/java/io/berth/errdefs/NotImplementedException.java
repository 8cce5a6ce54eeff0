package io.berth.errdefs;

/** Error kind: the operation exists in the API but the object at hand cannot do it. */
public final class NotImplementedException extends BerthException {
  public NotImplementedException(String message) {
    super(message);
  }

  @Override
  public int httpStatus() {
    return 501;
  }
}
