package io.berth.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may do what to which repositories, from a JSON file:
 * <pre>
 * [{"account": "alice", "repository": "team/*", "actions": ["pull", "push"]},
 *  {"account": "*", "repository": "public/*", "actions": ["pull"]},
 *  {"account": "anonymous", "repository": "public/*", "actions": ["pull"]}]
 * </pre>
 * {@code *} in an account means any user who logged in; {@code anonymous} means callers without
 * credentials; {@code *} in a repository pattern matches any characters. Actions add up over
 * every matching rule. Without a file, users who logged in may do everything and anonymous
 * callers nothing.
 */
public final class AccessRules {
  private record Rule(String account, Pattern repository, Set<String> actions) {}

  private final List<Rule> rules;

  private AccessRules(List<Rule> rules) {
    this.rules = rules;
  }

  public static AccessRules loggedInMayDoAll() {
    return new AccessRules(null);
  }

  public static AccessRules load(Path file) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("reading access rules " + file, e);
    }
    if (n == null || !n.isArray()) {
      throw new InvalidArgumentException(file + ": expected a JSON array of {account, repository, actions}");
    }
    List<Rule> out = new ArrayList<>();
    int i = 0;
    for (JsonNode r : n) {
      i++;
      if (!r.path("account").isTextual() || !r.path("repository").isTextual() || !r.path("actions").isArray()) {
        throw new InvalidArgumentException(file + " rule " + i + ": needs account, repository and actions");
      }
      Set<String> actions = new HashSet<>();
      for (JsonNode a : r.path("actions")) {
        String act = a.asText();
        if (!Set.of(Scope.PULL, Scope.PUSH, Scope.DELETE, "*").contains(act)) {
          throw new InvalidArgumentException(file + " rule " + i + ": unknown action " + act);
        }
        actions.add(act);
      }
      String pattern = "\\Q" + r.path("repository").asText().replace("*", "\\E.*\\Q") + "\\E";
      out.add(new Rule(r.path("account").asText(), Pattern.compile(pattern), actions));
    }
    return new AccessRules(List.copyOf(out));
  }

  /** The part of {@code asked} that {@code account} (null: anonymous) may do. */
  public Scope allowed(String account, Scope asked) {
    if (rules == null) {
      return account == null ? null : asked;
    }
    if (asked.type().equals("registry")) {
      return account == null ? null : asked; // the catalog: any user who logged in
    }
    Set<String> granted = new HashSet<>();
    for (Rule r : rules) {
      boolean who = account == null ? r.account().equals("anonymous")
          : r.account().equals("*") || r.account().equals(account);
      if (who && r.repository().matcher(asked.name()).matches()) {
        granted.addAll(r.actions());
      }
    }
    Set<String> out = new HashSet<>();
    for (String a : asked.actions()) {
      if (granted.contains(a) || granted.contains("*")) {
        out.add(a);
      }
    }
    return out.isEmpty() ? null : new Scope(asked.type(), asked.name(), out);
  }

  /** Whether {@code account} (null: anonymous) may pull {@code repository}. */
  public boolean mayPull(String account, String repository) {
    return allowed(account, Scope.repository(repository, Scope.PULL)) != null;
  }

  /** Whether {@code account} may do everything in every scope. */
  public boolean permits(String account, List<Scope> scopes) {
    for (Scope s : scopes) {
      Scope a = allowed(account, s);
      if (a == null || !a.actions().containsAll(s.actions())) {
        return false;
      }
    }
    return true;
  }
}
