package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.daemon.network.NetworkRecord;
import io.berth.network.PortBinding;
import io.berth.oci.ExposedPort;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The network part of a container's HostConfig (network mode, published ports, legacy links),
 * read once with the rest of {@link HostSpec} so that start, live restore and connect decide on
 * records instead of walking {@code NetworkMode}, {@code PortBindings} and {@code Links} again.
 * DNS servers and extra hosts are {@link HostSpec.Dns}.
 *
 * @param mode what the container's network namespace is
 * @param portBindings HostConfig.PortBindings flattened in the order given; a port listed with no
 *     binding gets one on a free host port (host port 0)
 * @param publishAll {@code -P}: every exposed port not bound is published on a free host port
 * @param links HostConfig.Links ({@code --link}), checked at create
 */
record NetworkSpec(Mode mode, List<PortBinding> portBindings, boolean publishAll, List<Links.Link> links) {

  /** HostConfig.NetworkMode, as create left it (it names the primary network by its name). */
  sealed interface Mode {
    /** How the record spells it (and inspect shows it). */
    String wireName();

    /** A bridged namespace of its own: {@code bridge} (also {@code default} or empty) or a named network. */
    record Bridged(String network) implements Mode {
      @Override
      public String wireName() {
        return network;
      }
    }

    /** The host's network namespace. */
    record Host() implements Mode {
      @Override
      public String wireName() {
        return NetworkRecord.HOST;
      }
    }

    /** A namespace of its own with loopback only. */
    record None() implements Mode {
      @Override
      public String wireName() {
        return NetworkRecord.NONE;
      }
    }

    /** {@code container:NAME}: another container's namespace ({@link JoinedNetwork}). */
    record Joined(String target) implements Mode {
      @Override
      public String wireName() {
        return JoinedNetwork.PREFIX + target;
      }
    }

    static Mode of(String networkMode) {
      if (networkMode == null || networkMode.isEmpty() || networkMode.equals("default")) {
        return new Bridged(NetworkRecord.BRIDGE);
      }
      if (networkMode.equals(NetworkRecord.HOST)) {
        return new Host();
      }
      if (networkMode.equals(NetworkRecord.NONE)) {
        return new None();
      }
      if (JoinedNetwork.joins(networkMode)) {
        return new Joined(networkMode.substring(JoinedNetwork.PREFIX.length()));
      }
      return new Bridged(networkMode);
    }
  }

  static NetworkSpec of(JsonNode hc) {
    return new NetworkSpec(
        Mode.of(hc.path("NetworkMode").asText("default")),
        portBindings(hc),
        hc.path("PublishAllPorts").asBoolean(false),
        List.copyOf(Links.parse(hc)));
  }

  /**
   * HostConfig.PortBindings read with the one port parser ({@link ExposedPort} keys, {@link
   * io.berth.oci.PortSpec} host ports); create's checks call this too, so both refuse alike.
   */
  static List<PortBinding> portBindings(JsonNode hc) {
    List<PortBinding> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = hc.path("PortBindings").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ExposedPort port = ExposedPort.parse(e.getKey());
      if (e.getValue().isEmpty()) {
        out.add(new PortBinding("", 0, port.port(), port.protocol()));
      }
      for (JsonNode b : e.getValue()) {
        out.add(new PortBinding(b.path("HostIp").asText(""), PortSpecs.parseHostPort(b.path("HostPort").asText("")),
            port.port(), port.protocol()));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The ports a start publishes: the bindings, then with publish-all each exposed port (Config's
   * keys, parsed here as they were at start) that no binding names, on a free host port.
   */
  List<PortBinding> requested(List<String> exposedPorts) {
    List<PortBinding> out = new ArrayList<>(portBindings);
    if (publishAll) {
      for (String key : exposedPorts) {
        ExposedPort p = ExposedPort.parse(key);
        if (portBindings.stream().noneMatch(b -> b.containerPort() == p.port() && b.protocol().equals(p.protocol()))) {
          out.add(new PortBinding("", 0, p.port(), p.protocol()));
        }
      }
    }
    return out;
  }

  boolean host() {
    return mode instanceof Mode.Host;
  }

  boolean none() {
    return mode instanceof Mode.None;
  }

  /** True when the container has a network namespace of its own, with bridged networks in it. */
  boolean bridged() {
    return mode instanceof Mode.Bridged;
  }
}
