package io.berth.daemon.dashboard;

import io.berth.registry.RegistryStorage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The in-process registry's repositories and tags, read from its storage as its catalog and tag list routes read them. */
public record StorageCatalog(RegistryStorage storage) implements RepositoryCatalog {
  @Override
  public Map<String, List<String>> tagsByRepository() {
    Map<String, List<String>> out = new TreeMap<>();
    for (String repo : storage.repositories()) {
      out.put(repo, storage.tags(repo).stream().sorted().toList());
    }
    return out;
  }
}
