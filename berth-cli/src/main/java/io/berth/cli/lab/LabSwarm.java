package io.berth.cli.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.swarm.SwarmRequests;
import io.berth.client.ApiClient;
import io.berth.client.ApiException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lab's swarm, made through each node's Engine API as an operator would with the docker CLI:
 * {@code swarm init} on the first node, then {@code swarm join} of the next {@code managers - 1}
 * nodes with the manager token and of the rest with the worker token, one at a time (a manager
 * joins Raft only once the one before it is a member). Every node listens and advertises on its
 * own lab address, port 2377, so the swarm's traffic stays on the lab bridge.
 */
final class LabSwarm {
  static final int PORT = 2377;
  /** How long one init or join may take before the lab gives up on it. */
  private static final Duration CALL_LIMIT = Duration.ofSeconds(120);
  /** How long a {@code lab ls} waits for a node's answer about its role. */
  private static final Duration ROLE_LIMIT = Duration.ofSeconds(3);

  private LabSwarm() {}

  /** Inits the swarm on the first node and joins the others; {@code managers} is 1 to the node count. */
  static void form(LabPaths paths, LabState lab, int managers) {
    List<LabState.Node> nodes = lab.nodes();
    LabState.Node first = nodes.getFirst();
    call(first, () -> {
      api(paths, first).post("/swarm/init", initRequest(first.address())).close();
      return null;
    }, "swarm init");
    JsonNode tokens = call(first, () -> {
      try (ApiClient.Response r = api(paths, first).get("/swarm")) {
        return r.json().path("JoinTokens");
      }
    }, "swarm inspect");
    String remote = first.address() + ":" + PORT;
    for (int i = 1; i < nodes.size(); i++) {
      LabState.Node node = nodes.get(i);
      String token = tokens.path(i < managers ? "Manager" : "Worker").asText();
      if (token.isEmpty()) {
        throw new LabException("node " + first.name() + " gave no " + (i < managers ? "manager" : "worker")
            + " join token after swarm init");
      }
      call(node, () -> {
        api(paths, node).post("/swarm/join", joinRequest(node.address(), remote, token)).close();
        return null;
      }, "swarm join " + remote);
    }
  }

  /** {@code POST /swarm/init} as {@code docker swarm init --advertise-addr A:2377 --listen-addr A:2377} sends it. */
  static ObjectNode initRequest(String address) {
    return SwarmRequests.init(address + ":" + PORT, address + ":" + PORT, false, "");
  }

  /** {@code POST /swarm/join} as {@code docker swarm join --token T --advertise-addr A:2377 --listen-addr A:2377 R} sends it. */
  static ObjectNode joinRequest(String address, String remote, String token) {
    return SwarmRequests.join(address + ":" + PORT, address + ":" + PORT, remote, token, "");
  }

  /**
   * The node's part in the swarm from its {@code /info}: {@code leader} (the manager that leads
   * Raft), {@code manager}, {@code worker}, {@code locked}, or {@code -} (not in a swarm, or no
   * answer within a few seconds).
   */
  static String role(LabPaths paths, LabState.Node node) {
    try {
      return bounded(ROLE_LIMIT, () -> {
        JsonNode swarm;
        try (ApiClient.Response r = api(paths, node).get("/info")) {
          swarm = r.json().path("Swarm");
        }
        String state = swarm.path("LocalNodeState").asText("");
        if (state.equals("locked")) {
          return "locked";
        }
        if (!state.equals("active")) {
          return "-";
        }
        if (!swarm.path("ControlAvailable").asBoolean()) {
          return "worker";
        }
        try (ApiClient.Response r = api(paths, node).get("/nodes/" + swarm.path("NodeID").asText())) {
          return r.json().path("ManagerStatus").path("Leader").asBoolean() ? "leader" : "manager";
        } catch (ApiException e) {
          // a manager without quorum cannot read the node list: still a manager
          return "manager";
        }
      });
    } catch (LabException e) {
      return "-";
    }
  }

  private static ApiClient api(LabPaths paths, LabState.Node node) {
    return new ApiClient(paths.dockerHost(node.name()));
  }

  /** An Engine API call that must not hang the lab: its error names the node and what was asked. */
  private static <T> T call(LabState.Node node, Call<T> call, String what) {
    try {
      return bounded(CALL_LIMIT, call);
    } catch (LabException e) {
      throw new LabException(what + " on node " + node.name() + " failed: " + e.getMessage());
    }
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private static <T> T bounded(Duration limit, Call<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        f.complete(call.run());
      } catch (IOException | RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    try {
      return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      t.interrupt();
      throw new LabException("no answer within " + limit.toSeconds() + "s");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new LabException(c instanceof ApiException api ? "Error response from daemon: " + api.getMessage()
          : c.getMessage() == null ? c.toString() : c.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted");
    }
  }
}
