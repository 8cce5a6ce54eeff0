package io.berth.daemon.dashboard;

import java.util.List;
import java.util.Map;

/** The repositories and tags of the registry berthd serves in the same process (the dashboard shows them). */
@FunctionalInterface
public interface RepositoryCatalog {
  /** Repository name to its tags, both sorted. */
  Map<String, List<String>> tagsByRepository();
}
