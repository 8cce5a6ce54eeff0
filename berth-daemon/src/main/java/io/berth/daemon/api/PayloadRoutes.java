package io.berth.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.control.PayloadControl;
import io.berth.cluster.control.PayloadKind;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.PayloadSpec;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /secrets*} and {@code /configs*} ({@code docker secret|config create|ls|inspect|rm}) over
 * {@link PayloadControl}, on a manager only: the spec read with Docker's fields only (a config
 * has no Driver), Data as base64 on the wire; a secret's Data never goes out.
 */
public final class PayloadRoutes {
  private static final Set<String> SECRET_FIELDS = Set.of("Name", "Labels", "Data", "Driver", "Templating");
  private static final Set<String> CONFIG_FIELDS = Set.of("Name", "Labels", "Data", "Templating");

  private final ManagerAccess access;
  private final Clock clock;

  public PayloadRoutes(Optional<SwarmMembership> swarm, Clock clock) {
    this.access = new ManagerAccess(swarm, clock);
    this.clock = clock;
  }

  public void register(Router r) {
    routes(r, "/secrets", PayloadKind.SECRET, SECRET_FIELDS);
    routes(r, "/configs", PayloadKind.CONFIG, CONFIG_FIELDS);
  }

  private void routes(Router r, String base, PayloadKind kind, Set<String> fields) {
    r.add("GET", base, (q, s) -> {
      ArrayNode out = Json.array();
      control(kind).list(ClusterRequests.filters(q.query("filters"))).forEach(p -> out.add(SwarmJson.model(p)));
      Json.send(s, 200, out);
    });
    r.add("POST", base + "/create", (q, s) -> {
      Payload created = control(kind).create(spec(q, kind, fields));
      Json.send(s, 201, Json.object().put("ID", created.id()));
    });
    r.add("GET", base + "/{id}", (q, s) -> Json.send(s, 200, SwarmJson.model(control(kind).inspect(q.param("id")))));
    r.add("DELETE", base + "/{id}", (q, s) -> {
      control(kind).remove(q.param("id"));
      s.send(204, null, new byte[0]);
    });
    r.add("POST", base + "/{id}/update", (q, s) -> {
      long version = ClusterRequests.version(q.query("version"), kind.word());
      control(kind).update(q.param("id"), version, spec(q, kind, fields));
      s.send(200, null, new byte[0]);
    });
  }

  private PayloadControl control(PayloadKind kind) {
    return new PayloadControl(access.state(), kind, clock);
  }

  private static PayloadSpec spec(HttpRequest q, PayloadKind kind, Set<String> fields) throws IOException {
    ObjectNode body = Json.body(q);
    body.fieldNames().forEachRemaining(f -> {
      if (!fields.contains(f)) {
        throw new InvalidArgumentException(kind.word() + " spec: unknown field " + f);
      }
    });
    try {
      return io.berth.oci.Json.MAPPER.treeToValue(body, PayloadSpec.class);
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException(kind.word() + " spec: " + e.getOriginalMessage());
    }
  }
}
