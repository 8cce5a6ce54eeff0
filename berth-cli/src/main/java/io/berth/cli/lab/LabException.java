package io.berth.cli.lab;

/** A lab operation that cannot go on, with a message that names what and why. */
public final class LabException extends RuntimeException {
  public LabException(String message) {
    super(message);
  }
}
