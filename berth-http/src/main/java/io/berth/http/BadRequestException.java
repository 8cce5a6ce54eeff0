package io.berth.http;

/** A request the HTTP layer cannot parse; answered with 400 and the connection closed. */
public final class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }
}
