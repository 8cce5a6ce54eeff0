package io.berth.client;

import java.io.IOException;

/** The daemon answered with an error status and Docker's {@code {"message": ...}} body. */
public final class ApiException extends IOException {
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
