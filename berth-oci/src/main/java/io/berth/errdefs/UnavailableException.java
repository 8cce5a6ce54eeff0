package io.berth.errdefs;

/** Error kind: a dependency (runc, conmon, the kernel) is missing or failed. */
public final class UnavailableException extends BerthException {
  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 500;
  }
}
