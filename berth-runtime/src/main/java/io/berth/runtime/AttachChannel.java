package io.berth.runtime;

/**
 * Input side of a container's attach socket: what the user types goes to the container's stdin,
 * and terminal size changes go to its console. Output is read from the log, not from here.
 */
public interface AttachChannel extends AutoCloseable {
  void writeStdin(byte[] data, int off, int len);

  /** Closes the container's stdin (EOF), as when an attached client ends its input. */
  void closeStdin();

  void resize(int height, int width);

  @Override
  void close();
}
