package io.berth.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at a swarm's services on a {@link DrillLab} the way their users do: from inside a task
 * container (busybox {@code nc} and {@code nslookup}, its wget being unusable) and from the host
 * with curl to the nodes' addresses. Every call is bounded by its tool's own timeout.
 */
final class OverlayProbe {
  /** A web root whose index is the container's hostname, and {@code /cgi-bin/ip} the client's address. */
  static final String HTTPD = "mkdir -p /www/cgi-bin && hostname > /www/index.html && touch /www/ok"
      + " && printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR $(hostname)\\n'"
      + " > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 80 -h /www";
  private static final Pattern ADDRESS = Pattern.compile("^Address:\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s*$");

  private final DrillLab lab;

  OverlayProbe(DrillLab lab) {
    this.lab = lab;
  }

  /** The running task containers of {@code service} on {@code node} (ids). */
  List<String> containers(String node, String service) {
    return lab.out(node, "ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + service)
        .lines().filter(l -> !l.isBlank()).toList();
  }

  /** Hostname of each running task container of {@code service} to "NODE CONTAINERID". */
  Map<String, String> hostnames(String service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String node : lab.hosts.keySet()) {
      for (String id : containers(node, service)) {
        out.put(lab.out(node, "inspect", "--format", "{{.Config.Hostname}}", id).strip(), node + " " + id);
      }
    }
    return out;
  }

  /** The one running container of {@code service} on {@code node}. */
  String container(String node, String service) {
    List<String> ids = containers(node, service);
    if (ids.size() != 1) {
      throw new AssertionError("one task of " + service + " on " + node + " expected, found " + ids);
    }
    return ids.getFirst();
  }

  /** Runs {@code script} with sh in the container {@code id} on {@code node}. */
  Exec.Result sh(String node, String id, String script) {
    return lab.docker(node, "exec", id, "sh", "-c", script);
  }

  /**
   * {@code n} HTTP GETs of {@code path} to {@code target} (a name or address) port 80 from the
   * container, one connection each: the last line of each answer ("" when none came).
   */
  List<String> gets(String node, String id, String target, String path, int n) {
    String script = "for i in $(seq 1 " + n + "); do r=$(printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' | nc -w 3 "
        + target + " 80 2>/dev/null | tail -n 1); echo \"R:$r\"; done";
    Exec.Result r = sh(node, id, script);
    return r.out().lines().filter(l -> l.startsWith("R:")).map(l -> l.substring(2).strip()).toList();
  }

  /** Whether a TCP connection from the container to {@code ip:port} opens within 2 s. */
  boolean connects(String node, String id, String ip, int port) {
    return sh(node, id, "nc -w 2 " + ip + " " + port + " </dev/null >/dev/null 2>&1 && echo OPEN").out().contains("OPEN");
  }

  /** The IPv4 addresses {@code name} resolves to in the container (the server's own line left out). */
  List<String> lookup(String node, String id, String name) {
    Exec.Result r = sh(node, id, "nslookup " + name + " 2>&1");
    List<String> out = new ArrayList<>();
    boolean answers = false;
    for (String line : r.out().lines().toList()) {
      if (line.startsWith("Name:")) {
        answers = true;
      }
      Matcher m = ADDRESS.matcher(line);
      if (answers && m.matches()) {
        out.add(m.group(1));
      }
    }
    return out.stream().sorted().toList();
  }

  /** {@code n} curl GETs from the host: the body's last line each ("" when it failed). */
  static List<String> curl(String address, int port, String path, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Exec.Result r = Exec.run(Map.of(), null, 30, Exec.list("curl", "-sS", "--max-time", "3",
          "http://" + address + ":" + port + path));
      List<String> lines = r.out().strip().lines().toList();
      out.add(r.exit() != 0 || lines.isEmpty() ? "" : lines.getLast().strip());
    }
    return out;
  }

  /** The addresses of {@code service}'s running tasks on the network {@code networkId}, sorted. */
  List<String> taskAddresses(String manager, String service, String networkId) {
    List<String> out = new ArrayList<>();
    for (String task : lab.out(manager, "service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running",
        service).lines().filter(l -> !l.isBlank()).toList()) {
      String a = lab.out(manager, "inspect", "--format", "{{range .NetworksAttachments}}{{if eq .Network.ID \""
          + networkId + "\"}}{{index .Addresses 0}}{{end}}{{end}}", task).strip();
      if (!a.isEmpty()) {
        out.add(a.substring(0, a.indexOf('/')));
      }
    }
    return out.stream().sorted().toList();
  }

  /** {@code service}'s virtual IP on {@code networkId}, without prefix. */
  String vip(String manager, String service, String networkId) {
    String a = lab.out(manager, "service", "inspect", "--format", "{{range .Endpoint.VirtualIPs}}{{if eq .NetworkID \""
        + networkId + "\"}}{{.Addr}}{{end}}{{end}}", service).strip();
    return a.contains("/") ? a.substring(0, a.indexOf('/')) : a;
  }
}
