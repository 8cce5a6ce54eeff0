package io.berth.compose;

/** A compose file or command that cannot be honoured; the message names the key and the problem. */
public final class ComposeException extends RuntimeException {
  public ComposeException(String message) {
    super(message);
  }

  public ComposeException(String message, Throwable cause) {
    super(message, cause);
  }
}
