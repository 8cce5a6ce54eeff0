package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the host state of user-defined networks whose records are gone, which happens when a
 * data root is wiped while the daemon is down. Their nftables tables would otherwise keep
 * DNAT-ing published ports to container addresses that no longer exist, so a new container
 * publishing the same port would never see its traffic. A user-defined network's table is named
 * {@code <daemon table>_<12 hex of the network id>}, which ties it to this daemon; its bridge
 * is {@code br-<same 12 hex>} unless the user named it.
 */
public final class OrphanNetworks {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanNetworks.class);

  private OrphanNetworks() {}

  /**
   * Deletes every {@code ip} table named {@code daemonTable_<12 hex>} that is not in
   * {@code liveTables}, with its default-named bridge and the accepts it had added to foreign
   * tables. Returns the tables deleted.
   */
  public static List<String> remove(String daemonTable, Set<String> liveTables) {
    return remove(daemonTable, "", liveTables, id -> List.of("br-" + id));
  }

  /**
   * As above for the tables named {@code daemonTable_<kind><12 hex>} of another driver;
   * {@code links} names the links made for a network id (12 hex), its bridge first.
   */
  public static List<String> remove(String daemonTable, String kind, Set<String> liveTables,
      Function<String, List<String>> links) {
    List<String> removed = new ArrayList<>();
    for (String table : orphansNamed(Nft.ruleset(), daemonTable + "_" + kind, liveTables)) {
      List<String> own = links.apply(table.substring(table.length() - 12));
      String bridge = own.getFirst();
      try {
        Nft.deleteTableIfExists("ip", table);
        ForeignForward.revoke(bridge);
        own.forEach(LinuxBridgeNetwork::deleteHostLink);
        removed.add(table);
        LOG.info("removed table {} and bridge {} of a network this daemon no longer knows", table, bridge);
      } catch (RuntimeException e) {
        LOG.warn("could not remove the leftovers of network table {}: {}", table, e.getMessage());
      }
    }
    return removed;
  }

  /** The names of the orphaned tables in an {@code nft -j list ruleset} listing. */
  static List<String> orphans(JsonNode ruleset, String daemonTable, Set<String> liveTables) {
    return orphansNamed(ruleset, daemonTable + "_", liveTables);
  }

  private static List<String> orphansNamed(JsonNode ruleset, String prefix, Set<String> liveTables) {
    Pattern own = Pattern.compile(Pattern.quote(prefix) + "[0-9a-f]{12}");
    List<String> out = new ArrayList<>();
    for (JsonNode n : ruleset) {
      JsonNode t = n.path("table");
      String name = t.path("name").asText();
      if (t.path("family").asText().equals("ip") && own.matcher(name).matches() && !liveTables.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }
}
