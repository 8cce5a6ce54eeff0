package io.berth.errdefs;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One line for a failure and everything that caused it, as Go errors read ({@code staging COPY:
 * mkdir /app/.: file exists}), so what reaches a user names the failing path and the reason
 * rather than only the outermost label. The JDK's file-system exceptions often carry just the
 * path as their message; their kind is spelled out here the way the kernel says it, and a full
 * disk the way Go (and so Docker) says it ({@link DiskFull}).
 */
public final class ErrorText {
  private static final int MAX_DEPTH = 8;

  private ErrorText() {}

  /** The message of {@code e} followed by each cause's that it does not already contain. */
  public static String of(Throwable e) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (Throwable t = e; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
      String m = describe(t);
      if (m.isEmpty() || out.indexOf(m) >= 0) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(": ");
      }
      out.append(m);
    }
    return out.isEmpty() ? e.getClass().getSimpleName() : out.toString();
  }

  private static String describe(Throwable t) {
    if (t instanceof FileSystemException f) {
      String file = f.getFile() == null ? "" : f.getFile();
      String other = f.getOtherFile() == null ? "" : " -> " + f.getOtherFile();
      String reason = f.getReason() != null ? DiskFull.goText(f.getReason()) : kind(f);
      return (file + other + (reason.isEmpty() ? "" : ": " + reason)).replaceFirst("^: ", "");
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getCause() == null ? t.getClass().getSimpleName() : "";
    }
    // a wrapper made from its cause repeats the cause's toString(): leave that to the cause
    Throwable c = t.getCause();
    return c != null && m.equals(c.toString()) ? "" : DiskFull.goText(m);
  }

  private static String kind(FileSystemException f) {
    return switch (f) {
      case NoSuchFileException x -> "no such file or directory";
      case FileAlreadyExistsException x -> "file exists";
      case DirectoryNotEmptyException x -> "directory not empty";
      case AccessDeniedException x -> "permission denied";
      case NotDirectoryException x -> "not a directory";
      default -> f.getClass().getSimpleName();
    };
  }
}
