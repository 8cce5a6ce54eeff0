package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Services as docker's {@code service ls} shows them: mode words ({@code replicated job}),
 * replicas as {@code running/desired} from the service's status ({@code (max N per node)},
 * jobs' {@code (done/total completed)}), the image without its pinned digest, and ingress ports
 * folded into ranges ({@code *:8080-8081->80-81/tcp}).
 */
final class ServiceTable {
  static final String DEFAULT = "table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}";
  static final Map<String, String> HEADERS = Map.of("ID", "ID", "Name", "NAME", "Mode", "MODE", "Replicas", "REPLICAS",
      "Image", "IMAGE", "Ports", "PORTS");

  private ServiceTable() {}

  static ObjectNode view(JsonNode s) {
    ObjectNode v = Base.obj();
    v.put("ID", Base.shortId(s.path("ID").asText()));
    v.put("Name", s.path("Spec").path("Name").asText());
    v.put("Mode", mode(s));
    v.put("Replicas", replicas(s));
    v.put("Image", Images.withoutDigest(s.path("Spec").path("TaskTemplate").path("ContainerSpec").path("Image").asText()));
    v.put("Ports", ports(s.path("Endpoint").path("Ports")));
    return v;
  }

  static String mode(JsonNode s) {
    JsonNode m = s.path("Spec").path("Mode");
    return m.has("Global") ? "global" : m.has("Replicated") ? "replicated" : m.has("ReplicatedJob") ? "replicated job"
        : m.has("GlobalJob") ? "global job" : "";
  }

  static String replicas(JsonNode s) {
    JsonNode st = s.path("ServiceStatus");
    long running = st.path("RunningTasks").asLong();
    long desired = st.path("DesiredTasks").asLong();
    long completed = st.path("CompletedTasks").asLong();
    JsonNode m = s.path("Spec").path("Mode");
    if (m.has("ReplicatedJob")) {
      return running + "/" + desired + " (" + completed + "/" + m.path("ReplicatedJob").path("TotalCompletions").asLong() + " completed)";
    }
    if (m.has("GlobalJob")) {
      return running + "/" + desired + " (" + completed + "/" + (desired + completed) + " completed)";
    }
    long max = m.has("Replicated") ? s.path("Spec").path("TaskTemplate").path("Placement").path("MaxReplicas").asLong() : 0;
    return running + "/" + desired + (max > 0 ? " (max " + max + " per node)" : "");
  }

  /** Ingress-published ports, sorted by protocol then published port, consecutive ones joined into ranges. */
  static String ports(JsonNode ports) {
    List<JsonNode> ps = new ArrayList<>();
    ports.forEach(ps::add);
    ps.sort(Comparator.comparing((JsonNode p) -> p.path("Protocol").asText()).thenComparingLong(p -> p.path("PublishedPort").asLong()));
    List<String> out = new ArrayList<>();
    long[] r = null; // published start, end, target start, end
    String proto = null;
    for (JsonNode p : ps) {
      if (!p.path("PublishMode").asText("ingress").equals("ingress")) {
        continue;
      }
      long pub = p.path("PublishedPort").asLong();
      long tgt = p.path("TargetPort").asLong();
      String prot = p.path("Protocol").asText();
      boolean isRange = r != null && r[3] != r[2];
      if (r == null || !prot.equals(proto) || pub - r[1] > 1 || tgt - r[3] > 1 || isRange && tgt <= r[3]) {
        if (r != null && r[0] > 0) {
          out.add(range(r, proto));
        }
        r = new long[] {pub, pub, tgt, tgt};
        proto = prot;
        continue;
      }
      r[1] = pub;
      r[3] = tgt;
    }
    if (r != null && r[0] > 0) {
      out.add(range(r, proto));
    }
    return String.join(", ", out);
  }

  private static String range(long[] r, String proto) {
    String pub = r[1] > r[0] ? r[0] + "-" + r[1] : Long.toString(r[0]);
    String tgt = r[3] > r[2] ? r[2] + "-" + r[3] : Long.toString(r[2]);
    return "*:" + pub + "->" + tgt + "/" + proto;
  }
}
