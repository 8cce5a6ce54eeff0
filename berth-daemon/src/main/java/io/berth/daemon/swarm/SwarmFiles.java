package io.berth.daemon.swarm;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.cluster.ca.keys.NodeKeyStore;
import io.berth.cluster.model.NodeRole;
import io.berth.oci.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a node keeps its swarm membership across restarts, under {@code <data-root>/swarm}: the
 * node's key and certificates ({@code certificates/}), a manager's Raft log ({@code raft/}) and
 * {@code state.json}, what this node needs to come back as the same member. {@code swarm leave}
 * erases it all.
 */
final class SwarmFiles {
  /** What a restarted node needs to rejoin as itself. */
  record LocalState(
      @JsonProperty("NodeID") String nodeId,
      @JsonProperty("ClusterID") String clusterId,
      @JsonProperty("Role") NodeRole role,
      @JsonProperty("ListenAddr") String listenAddr,
      @JsonProperty("AdvertiseAddr") String advertiseAddr,
      @JsonProperty("Managers") List<String> managers) {
    LocalState {
      managers = managers == null ? List.of() : List.copyOf(managers);
    }

    LocalState withRole(NodeRole value) {
      return new LocalState(nodeId, clusterId, value, listenAddr, advertiseAddr, managers);
    }

    LocalState withManagers(List<String> value) {
      return new LocalState(nodeId, clusterId, role, listenAddr, advertiseAddr, value);
    }
  }

  private final Path dir;

  SwarmFiles(Path dataRoot) {
    this.dir = dataRoot.resolve("swarm");
  }

  Path directory() {
    return dir;
  }

  NodeKeyStore keys() {
    return new NodeKeyStore(dir.resolve("certificates"));
  }

  Path raftDir() {
    return dir.resolve("raft");
  }

  Optional<LocalState> read() {
    Path f = dir.resolve("state.json");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.read(Files.readAllBytes(f), LocalState.class, f.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the swarm state " + f, e);
    }
  }

  void write(LocalState state) {
    Path f = dir.resolve("state.json");
    Path tmp = dir.resolve("state.json.tmp");
    try {
      Files.createDirectories(dir);
      Files.write(tmp, Json.bytes(state));
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the swarm state " + f, e);
    }
  }

  /** Removes everything, state first, so a crash half way leaves a node that is not in a swarm. */
  void erase() {
    try {
      Files.deleteIfExists(dir.resolve("state.json"));
      if (Files.exists(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing the swarm state in " + dir, e);
    }
  }
}
