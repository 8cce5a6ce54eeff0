package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.UnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets a bridge's traffic through forward chains this daemon does not own. An accept in our
 * table does not override a drop in another base chain on the same hook (each base chain
 * votes, a drop anywhere wins), and dockerd via iptables-nft sets {@code ip filter FORWARD} to
 * policy drop. So where a foreign ip/inet forward chain can drop (drop policy, or any rule
 * that drops, rejects or jumps), we insert accepts for our bridge at its top, tagged with a
 * comment naming our bridge; only rules carrying that exact comment are ever removed.
 */
final class ForeignForward {
  private ForeignForward() {}

  /** Outbound and container-to-container, replies, and connections to published ports. */
  static List<String> acceptRules(String bridge) {
    String br = Nft.quote(bridge);
    return List.of(
        "iifname " + br + " accept",
        "oifname " + br + " ct state established,related accept",
        "oifname " + br + " ct status dnat accept");
  }

  static String tag(String bridge) {
    return "berth-bridge:" + bridge;
  }

  record Chain(String family, String table, String name) {}

  /**
   * (Re)inserts our accepts at the top of every foreign forward chain that can drop. Another
   * daemon may delete one of its tables between our reading the rule set and our transaction,
   * which then fails as a whole: read again and retry, a few times.
   */
  static void allow(String bridge, String ownTable) {
    for (int attempt = 1; ; attempt++) {
      try {
        allowOnce(bridge, ownTable);
        return;
      } catch (UnavailableException e) {
        if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("No such file or directory")) {
          throw e;
        }
      }
    }
  }

  private static void allowOnce(String bridge, String ownTable) {
    JsonNode rs = Nft.ruleset();
    StringBuilder sb = new StringBuilder(removalScript(rs, bridge));
    for (Chain c : droppingForwardChains(rs, ownTable)) {
      List<String> rules = acceptRules(bridge);
      // insert puts each rule first, so insert in reverse to keep the intended order
      for (int i = rules.size() - 1; i >= 0; i--) {
        sb.append("insert rule ").append(c.family()).append(' ').append(c.table()).append(' ').append(c.name())
            .append(' ').append(rules.get(i)).append(" comment ").append(Nft.quote(tag(bridge))).append('\n');
      }
    }
    if (!sb.isEmpty()) {
      Nft.apply(sb.toString());
    }
  }

  /** Removes every rule tagged with our bridge from any table. */
  static void revoke(String bridge) {
    String script = removalScript(Nft.ruleset(), bridge);
    if (!script.isEmpty()) {
      Nft.apply(script);
    }
  }

  /** The chains we would add accepts to (for tests and diagnostics). */
  static List<Chain> droppingForwardChains(JsonNode ruleset, String ownTable) {
    List<Chain> out = new ArrayList<>();
    for (JsonNode n : ruleset) {
      JsonNode c = n.path("chain");
      String family = c.path("family").asText();
      if (c.isMissingNode() || !c.path("hook").asText().equals("forward")
          || !(family.equals("ip") || family.equals("inet"))
          || (family.equals("ip") && c.path("table").asText().equals(ownTable))) {
        continue;
      }
      Chain chain = new Chain(family, c.path("table").asText(), c.path("name").asText());
      if (writtenByBerth(ruleset, chain)) {
        continue; // another network's table, of this daemon or another Berth: it drops only its own bridge's traffic
      }
      if (c.path("policy").asText().equals("drop") || hasDroppingRule(ruleset, chain)) {
        out.add(chain);
      }
    }
    return out;
  }

  private static boolean writtenByBerth(JsonNode ruleset, Chain chain) {
    for (JsonNode n : ruleset) {
      JsonNode r = n.path("rule");
      if (!r.isMissingNode() && matches(r, chain) && r.path("comment").asText().equals(NatRules.OWN_CHAIN)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasDroppingRule(JsonNode ruleset, Chain chain) {
    for (JsonNode n : ruleset) {
      JsonNode r = n.path("rule");
      if (r.isMissingNode() || !matches(r, chain)) {
        continue;
      }
      for (JsonNode e : r.path("expr")) {
        if (e.has("drop") || e.has("reject") || e.has("jump") || e.has("goto")) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean matches(JsonNode rule, Chain c) {
    return rule.path("family").asText().equals(c.family()) && rule.path("table").asText().equals(c.table())
        && rule.path("chain").asText().equals(c.name());
  }

  private static String removalScript(JsonNode ruleset, String bridge) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode n : ruleset) {
      JsonNode r = n.path("rule");
      if (!r.isMissingNode() && r.path("comment").asText().equals(tag(bridge))) {
        sb.append("delete rule ").append(r.path("family").asText()).append(' ').append(r.path("table").asText())
            .append(' ').append(r.path("chain").asText()).append(" handle ").append(r.path("handle").asLong())
            .append('\n');
      }
    }
    return sb.toString();
  }
}
