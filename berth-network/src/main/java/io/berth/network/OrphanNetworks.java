package io.berth.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    List<String> removed = new ArrayList<>();
    for (String table : orphans(Nft.ruleset(), daemonTable, liveTables)) {
      String bridge = "br-" + table.substring(daemonTable.length() + 1);
      try {
        Nft.deleteTableIfExists("ip", table);
        ForeignForward.revoke(bridge);
        LinuxBridgeNetwork.deleteHostLink(bridge);
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
    Pattern own = Pattern.compile(Pattern.quote(daemonTable) + "_[0-9a-f]{12}");
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
