package io.berth.errdefs;

/** Error kind: the caller's credentials were missing or refused (a registry login, for example). */
public final class UnauthorizedException extends BerthException {
  public UnauthorizedException(String message) {
    super(message);
  }

  @Override
  public int httpStatus() {
    return 401;
  }
}
