package io.berth.registry.auth;

import java.util.Set;

/**
 * One resource a request touches, in the Docker token scope grammar
 * ({@code repository:team/app:pull,push}, {@code registry:catalog:*}).
 */
public record Scope(String type, String name, Set<String> actions) {
  public static final String PULL = "pull";
  public static final String PUSH = "push";
  public static final String DELETE = "delete";

  public static Scope repository(String name, String... actions) {
    return new Scope("repository", name, Set.of(actions));
  }

  public static Scope catalog() {
    return new Scope("registry", "catalog", Set.of("*"));
  }

  /** The scope as it appears in a challenge's {@code scope="..."}: actions sorted for stability. */
  public String render() {
    return type + ":" + name + ":" + String.join(",", new java.util.TreeSet<>(actions));
  }
}
