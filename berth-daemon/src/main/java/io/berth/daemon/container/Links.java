package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.network.Endpoint;
import io.berth.network.PortBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Legacy {@code --link name[:alias]} on the default bridge: the linked container's address in
 * {@code /etc/hosts} under the alias, its name and its id, and Docker's link variables
 * ({@code ALIAS_PORT_80_TCP=tcp://ip:80}, {@code ALIAS_NAME}, {@code ALIAS_ENV_*}) in the
 * environment. Resolved at every start, since the linked container's address changes.
 */
final class Links {
  private static final Set<String> PRIVATE_ENV = Set.of("HOME", "HOSTNAME", "PATH");

  /** One link: the container it points at and the name it goes by here. */
  record Link(String target, String alias) {}

  /** What a start needs: hosts lines and environment entries. */
  record Resolved(List<String> hostLines, List<String> env) {}

  private Links() {}

  /**
   * HostConfig.Links (or an endpoint's Links) as the API sends them: "name:alias" or
   * "/name:/self/alias". A container's own are read once, into {@link NetworkSpec#links}.
   */
  static List<Link> parse(JsonNode hostConfig) {
    List<Link> out = new ArrayList<>();
    for (JsonNode n : hostConfig.path("Links")) {
      String s = n.asText("");
      String[] p = s.split(":", -1);
      if (s.isEmpty() || p.length > 2 || p[0].replace("/", "").isEmpty()) {
        throw new InvalidArgumentException("invalid link " + s + " (expected name or name:alias)");
      }
      String target = p[0].startsWith("/") ? p[0].substring(1) : p[0];
      String alias = p.length == 2 ? p[1].substring(p[1].lastIndexOf('/') + 1) : target;
      if (!alias.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
        throw new InvalidArgumentException("invalid link alias " + alias);
      }
      out.add(new Link(target, alias));
    }
    return out;
  }

  /**
   * Resolves every link of {@code c} against running containers ({@code lookup} throws
   * NotFound for unknown names; {@code primary} gives a container's endpoint, null when none).
   */
  static Resolved resolve(Container c, Function<String, Container> lookup, Function<Container, Endpoint> primary) {
    List<String> hosts = new ArrayList<>();
    List<String> env = new ArrayList<>();
    for (Link l : c.host().network().links()) {
      Container t = lookup.apply(l.target());
      Endpoint ep = t.state.running() ? primary.apply(t) : null;
      if (ep == null) {
        throw new io.berth.errdefs.ConflictException("cannot link to a non running container: /" + t.name
            + " AS /" + c.name + "/" + l.alias());
      }
      String ip = ep.ip();
      hosts.add(ip + "\t" + l.alias() + " " + t.shortId() + (l.alias().equals(t.name) ? "" : " " + t.name));
      env.addAll(variables(l.alias(), c.name, t, ip));
    }
    return new Resolved(hosts, env);
  }

  static List<String> variables(String alias, String self, Container t, String ip) {
    String p = alias.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    List<String> env = new ArrayList<>();
    TreeSet<String> ports = new TreeSet<>((a, b) -> {
      PortBinding x = PortSpecs.parseContainerPort(a);
      PortBinding y = PortSpecs.parseContainerPort(b);
      return x.containerPort() != y.containerPort() ? Integer.compare(x.containerPort(), y.containerPort())
          : x.protocol().compareTo(y.protocol());
    });
    ports.addAll(t.configSpec().exposedPorts());
    boolean first = true;
    for (String key : ports) {
      PortBinding b = PortSpecs.parseContainerPort(key);
      String base = p + "_PORT_" + b.containerPort() + "_" + b.protocol().toUpperCase(Locale.ROOT);
      if (first) {
        env.add(p + "_PORT=" + b.protocol() + "://" + ip + ":" + b.containerPort());
        first = false;
      }
      env.add(base + "=" + b.protocol() + "://" + ip + ":" + b.containerPort());
      env.add(base + "_ADDR=" + ip);
      env.add(base + "_PORT=" + b.containerPort());
      env.add(base + "_PROTO=" + b.protocol());
    }
    env.add(p + "_NAME=/" + self + "/" + alias);
    for (String kv : t.configSpec().env()) {
      int eq = kv.indexOf('=');
      if (eq > 0 && !PRIVATE_ENV.contains(kv.substring(0, eq))) {
        env.add(p + "_ENV_" + kv);
      }
    }
    return env;
  }
}
