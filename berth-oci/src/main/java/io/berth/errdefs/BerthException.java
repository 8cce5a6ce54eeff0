package io.berth.errdefs;

/**
 * The small fixed set of error kinds every Berth layer speaks (as containerd's errdefs). The API
 * layer maps each kind one-to-one to an HTTP status, so a service only has to pick the kind and
 * say what went wrong with enough context for the user to act on it.
 */
public abstract sealed class BerthException extends RuntimeException
    permits NotFoundException, AlreadyExistsException, InvalidArgumentException,
        ConflictException, FailedPreconditionException, UnavailableException, UnauthorizedException,
        ForbiddenException, NotImplementedException {

  protected BerthException(String message) {
    super(message);
  }

  protected BerthException(String message, Throwable cause) {
    super(message, cause);
  }

  /** HTTP status the Engine API answers with for this kind. */
  public abstract int httpStatus();
}
