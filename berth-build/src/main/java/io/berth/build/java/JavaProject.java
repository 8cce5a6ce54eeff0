package io.berth.build.java;

import java.nio.file.Path;
import java.util.List;

/**
 * What the Maven plugin learns about a project: compiled classes, resources, the runtime
 * dependency jars (with whether each is a snapshot, whose layer changes more often) and, when the
 * project packages one, its Spring Boot executable jar, whose own layer index is used instead.
 */
public record JavaProject(Path classes, Path resources, List<Dependency> dependencies, Path bootJar) {

  /** A runtime dependency: its jar and coordinates (group to disambiguate equal file names). */
  public record Dependency(Path jar, String groupId, boolean snapshot) {}
}
