package io.berth.daemon.dashboard;

import io.berth.daemon.records.RecordJson;
import io.berth.daemon.swarm.LocalNodeState;
import io.berth.daemon.swarm.SwarmInfo;
import io.berth.daemon.system.DaemonInfo;
import java.time.Duration;

/**
 * The {@code /api} routes the page uses, in one table: reads (session, state, a service's detail,
 * the event, log and stats streams) and the four actions. Authentication, the read-only rule and
 * CSRF are checked before any of these run ({@link DashboardHandler}).
 */
final class DashboardApi {
  /** Every action is logged with the token that made it: who scaled, drained or removed what. */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DashboardApi.class);

  private DashboardApi() {}

  static RouteTable routes(DashboardSources src, Authenticator auth, Duration ping) {
    ClusterAccess cluster = new ClusterAccess(src.swarm(), src.clock());
    StateSnapshot state = new StateSnapshot(src.swarm(),
        new EngineView(src.containers(), src.views(), src.images(), src.volumes(), src.networks()), src.registry());
    EventFeed events = new EventFeed(src.events(), ping);
    ServiceDetail detail = new ServiceDetail(cluster);
    LogFeed logs = new LogFeed(cluster, src.serviceLogs(), ping);
    StatsFeed stats = new StatsFeed(src.containers(), src.streams(), StatsFeed.PERIOD);
    DashboardActions actions = new DashboardActions(cluster, src.swarm(), src.taskContainers());
    return new RouteTable()
        .add("GET", "/api/session", (q, s, a) -> {
          SwarmInfo info = src.swarm().info();
          Replies.json(s, 200, RecordJson.object().put("readOnly", a.readOnly())
              .put("csrf", a.bySession() ? a.session().csrf() : "")
              .put("swarm", info.localNodeState() == LocalNodeState.ACTIVE)
              .put("nodeId", info.nodeId())
              .put("engine", "berthd " + DaemonInfo.VERSION));
        })
        .add("GET", "/api/state", (q, s, a) -> Replies.json(s, 200, state.read()))
        .add("GET", "/api/events", (q, s, a) -> events.serve(s, () -> auth.stillValid(a)))
        .add("GET", "/api/services/{id}", (q, s, a) -> Replies.json(s, 200, detail.read(q.param("id"))))
        .add("GET", "/api/services/{id}/logs", (q, s, a) ->
            logs.serve(q.param("id"), q.query("tail"), s, () -> auth.stillValid(a)))
        .add("GET", "/api/stats", (q, s, a) -> stats.serve(s, () -> auth.stillValid(a)))
        .add("POST", "/api/services/{id}/scale", (q, s, a) -> {
          var svc = actions.scale(q.param("id"), Replies.body(q));
          LOG.info("dashboard token {} scaled service {} to {}", a.tokenId(), svc.spec().name(),
              svc.spec().mode().replicated().replicas());
          Replies.json(s, 200, RecordJson.object().put("ID", svc.id())
              .put("Replicas", svc.spec().mode().replicated().replicas()));
        })
        .add("POST", "/api/services/{id}/rollback", (q, s, a) -> {
          var svc = actions.rollback(q.param("id"));
          LOG.info("dashboard token {} rolled back service {}", a.tokenId(), svc.spec().name());
          Replies.json(s, 200, RecordJson.object().put("ID", svc.id()));
        })
        .add("POST", "/api/nodes/{id}/availability", (q, s, a) -> {
          var node = actions.availability(q.param("id"), Replies.body(q));
          LOG.info("dashboard token {} set node {} to {}", a.tokenId(), node.id(), node.spec().availability().wire());
          Replies.json(s, 200, RecordJson.object().put("ID", node.id())
              .put("Availability", node.spec().availability().wire()));
        })
        .add("DELETE", "/api/tasks/{id}/container", (q, s, a) -> {
          String removed = actions.removeTaskContainer(q.param("id"));
          LOG.info("dashboard token {} removed container {} of task {}", a.tokenId(), removed, q.param("id"));
          Replies.json(s, 200, RecordJson.object().put("ContainerID", removed));
        });
  }
}
