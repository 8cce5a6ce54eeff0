package io.berth.build.java;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs the project's classes and resources into one jar, reproducibly (sorted entries, a fixed
 * local time so the time zone of the build machine does not leak in). Needed when the image gets
 * an AOT cache: the JVM only caches classes loaded from jars, not from directories.
 */
public final class ClassesJar {
  private static final LocalDateTime FIXED = LocalDateTime.of(2000, 1, 1, 0, 0);

  private ClassesJar() {}

  public static void write(Path classes, Path jar) {
    try {
      Files.createDirectories(jar.toAbsolutePath().getParent());
      List<Path> files;
      try (Stream<Path> s = Files.walk(classes)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      try (OutputStream f = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(f)) {
        for (Path p : files) {
          ZipEntry e = new ZipEntry(classes.relativize(p).toString().replace('\\', '/'));
          e.setTimeLocal(FIXED);
          zip.putNextEntry(e);
          Files.copy(p, zip);
          zip.closeEntry();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + jar, e);
    }
  }
}
