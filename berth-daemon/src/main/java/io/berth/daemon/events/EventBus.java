package io.berth.daemon.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans daemon events out to {@code /events} subscribers and keeps the recent ones so a client
 * can ask for {@code --since}. Events are in the Engine API's JSON shape already.
 */
public final class EventBus {
  private static final int KEEP = 1024;
  private final Clock clock;
  private final Deque<ObjectNode> recent = new ArrayDeque<>();
  private final List<Consumer<ObjectNode>> subscribers = new CopyOnWriteArrayList<>();

  public EventBus(Clock clock) {
    this.clock = clock;
  }

  /** Publishes {@code type}/{@code action} about {@code id} with attributes (name, image...), an event of this engine. */
  public void publish(String type, String action, String id, Map<String, String> attributes) {
    publish(type, action, id, attributes, "local");
  }

  /**
   * Publishes an event of {@code scope}: {@code local} for this engine's objects, {@code swarm}
   * for the cluster's (nodes, services, swarm networks), as Docker tells them apart.
   */
  public void publish(String type, String action, String id, Map<String, String> attributes, String scope) {
    Instant now = clock.instant();
    ObjectNode e = RecordJson.object();
    if (type.equals("container") || type.equals("image")) {
      e.put("status", action);
      e.put("id", id);
      String from = attributes.get("image");
      if (from != null && type.equals("container")) {
        e.put("from", from);
      }
    }
    e.put("Type", type);
    e.put("Action", action);
    ObjectNode actor = e.putObject("Actor");
    actor.put("ID", id);
    ObjectNode attrs = actor.putObject("Attributes");
    attributes.forEach(attrs::put);
    e.put("scope", scope);
    e.put("time", now.getEpochSecond());
    e.put("timeNano", now.getEpochSecond() * 1_000_000_000L + now.getNano());
    synchronized (recent) {
      recent.addLast(e);
      if (recent.size() > KEEP) {
        recent.removeFirst();
      }
    }
    for (Consumer<ObjectNode> s : subscribers) {
      s.accept(e);
    }
  }

  /** Events kept from {@code sinceNanos} (inclusive) on, oldest first. */
  public List<ObjectNode> since(long sinceNanos) {
    synchronized (recent) {
      List<ObjectNode> out = new ArrayList<>();
      for (ObjectNode e : recent) {
        if (e.get("timeNano").asLong() >= sinceNanos) {
          out.add(e);
        }
      }
      return out;
    }
  }

  public AutoCloseable subscribe(Consumer<ObjectNode> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }
}
