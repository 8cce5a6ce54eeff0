package io.berth.daemon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.control.ServiceSpecReader;
import io.berth.cluster.control.ServiceStatus;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceSpec;
import io.berth.daemon.container.NameGenerator;
import io.berth.daemon.swarm.SwarmMembership;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /services*} ({@code docker service create|ls|inspect|update|scale|rm}) over
 * {@link ServiceControl}, on a manager only (service events come from the store, {@code swarm.ClusterEvents}), with the
 * {@code ?status=true} counts {@code service ls} shows. {@code docker service logs} is
 * {@link ServiceLogRoutes}.
 */
public final class ServiceRoutes {
  private final ManagerAccess access;

  public ServiceRoutes(Optional<SwarmMembership> swarm, Clock clock) {
    this.access = new ManagerAccess(swarm, clock);
  }

  public void register(Router r) {
    r.add("GET", "/services", this::list);
    r.add("POST", "/services/create", this::create);
    r.add("GET", "/services/{id}", (q, s) -> Json.send(s, 200, SwarmJson.service(access.services().inspect(q.param("id")))));
    r.add("DELETE", "/services/{id}", (q, s) -> {
      access.services().remove(q.param("id"));
      s.send(200, null, new byte[0]);
    });
    r.add("POST", "/services/{id}/update", this::update);
  }

  private void list(HttpRequest q, HttpResponse s) {
    ServiceControl services = access.services();
    boolean status = q.flag("status");
    ArrayNode out = Json.array();
    for (Service svc : services.list(ClusterRequests.filters(q.query("filters")))) {
      ObjectNode o = SwarmJson.service(svc);
      if (status) {
        ServiceStatus st = services.status(svc);
        o.putObject("ServiceStatus").put("RunningTasks", st.runningTasks()).put("DesiredTasks", st.desiredTasks())
            .put("CompletedTasks", st.completedTasks());
      }
      out.add(o);
    }
    Json.send(s, 200, out);
  }

  /** {@code X-Registry-Auth} (sent with {@code --with-registry-auth}) becomes the nodes' pull credentials. */
  private void create(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    ServiceControl services = access.services();
    ServiceSpec spec = ServiceSpecReader.read(body, () -> new NameGenerator(
        name -> services.list(io.berth.cluster.control.Filters.NONE).stream()
            .anyMatch(x -> x.spec().name().equalsIgnoreCase(name))).next());
    Service created = services.create(spec, q.header("X-Registry-Auth"));
    Json.send(s, 201, Json.object().put("ID", created.id()));
  }

  private void update(HttpRequest q, HttpResponse s) throws IOException {
    long version = ClusterRequests.version(q.query("version"), "service");
    String rollback = q.query("rollback");
    ServiceControl services = access.services();
    if (rollback != null && !rollback.isEmpty()) {
      if (!rollback.equals("previous")) {
        throw new InvalidArgumentException("service update: invalid rollback value '" + rollback + "' (previous)");
      }
      // docker service rollback: the body is the current spec; the service goes back to its previous one
      services.rollback(q.param("id"), version);
      Json.send(s, 200, Json.object());
      return;
    }
    Service before = services.inspect(q.param("id"));
    ServiceSpec spec = ServiceSpecReader.read(Json.body(q), () -> before.spec().name());
    services.update(before.id(), version, spec, q.header("X-Registry-Auth"), q.query("registryAuthFrom"));
    Json.send(s, 200, Json.object());
  }
}
