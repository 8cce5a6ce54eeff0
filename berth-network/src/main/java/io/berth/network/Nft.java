package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything this module does with nftables. Changes are applied as one script per call
 * ({@code nft -f -}), which nftables runs as a single transaction: either the whole rule set
 * change lands or none of it, so a half-built table is never visible to packets. Public for the
 * overlay package, which builds its own scripts.
 */
public final class Nft {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Nft() {}

  /** Applies a script atomically. */
  public static void apply(String script) {
    HostCommand.check(List.of("nft", "-f", "-"), script);
  }

  /**
   * Applies a script atomically inside another network namespace (a container's), through
   * {@code nsenter --net=PATH}: nft works on the namespace it runs in.
   */
  public static void applyIn(Path netns, String script) {
    HostCommand.check(List.of("nsenter", "--net=" + netns, "nft", "-f", "-"), script);
  }

  public static boolean tableExists(String family, String table) {
    return HostCommand.run(List.of("nft", "list", "table", family, table), null).exit() == 0;
  }

  /** The table as nft prints it with rule handles, or null if it does not exist. */
  static String listTable(String family, String table) {
    HostCommand.Result r = HostCommand.run(List.of("nft", "-a", "list", "table", family, table), null);
    return r.exit() == 0 ? r.out() : null;
  }

  /** The whole rule set as nft's JSON ({@code {"nftables": [ {...}, ... ]}}), with handles. */
  public static JsonNode ruleset() {
    String out = HostCommand.check(List.of("nft", "-j", "-a", "list", "ruleset"), null);
    try {
      return JSON.readTree(out).path("nftables");
    } catch (java.io.IOException e) {
      throw new UnavailableException("cannot parse `nft -j list ruleset` output: " + e.getMessage());
    }
  }

  public static void deleteTableIfExists(String family, String table) {
    if (tableExists(family, table)) {
      HostCommand.check(List.of("nft", "delete", "table", family, table), null);
    }
  }

  static void deleteRule(String family, String table, String chain, long handle) {
    HostCommand.check(List.of("nft", "delete", "rule", family, table, chain, "handle", Long.toString(handle)), null);
  }

  /** {@code table}, checked as a name of Berth's own tables may be spelled (refused by name otherwise). */
  public static String tableName(String table) {
    if (table == null || !table.matches("[a-zA-Z][a-zA-Z0-9_]{0,63}")) {
      throw new InvalidArgumentException("invalid nftables table name " + table);
    }
    return table;
  }

  /** Quotes a name for an nft script so names that look like keywords still parse. */
  public static String quote(String s) {
    return "\"" + s + "\"";
  }
}
