package io.berth.daemon.container;

import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clients blocked in {@code POST /containers/{id}/wait}, by condition: {@code not-running}
 * (completes at once for a stopped container), {@code next-exit} and {@code removed}. Part of
 * {@link ContainerExits}, which alone completes them; a waiter registered before start never
 * misses the exit.
 */
final class ExitWaiters {
  static final List<String> CONDITIONS = List.of("not-running", "next-exit", "removed");

  private record Waiter(String condition, CompletableFuture<Integer> result) {}

  private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();

  /** Call under the container's monitor, so no exit slips between the check and the add. */
  CompletableFuture<Integer> register(Container c, String condition) {
    String cond = validate(condition);
    if (cond.equals("not-running") && !c.state.running()) {
      return CompletableFuture.completedFuture(c.state.exitCode);
    }
    CompletableFuture<Integer> f = new CompletableFuture<>();
    waiters.computeIfAbsent(c.id, k -> new CopyOnWriteArrayList<>()).add(new Waiter(cond, f));
    return f;
  }

  /** The condition, {@code not-running} when absent; an unknown one is a 400. */
  String validate(String condition) {
    String cond = condition == null || condition.isEmpty() ? "not-running" : condition;
    if (!CONDITIONS.contains(cond)) {
      throw new InvalidArgumentException("invalid condition: \"" + condition + "\"");
    }
    return cond;
  }

  void complete(Container c, String condition, int code) {
    List<Waiter> list = waiters.get(c.id);
    if (list == null) {
      return;
    }
    for (Waiter w : list) {
      if (w.condition.equals(condition)) {
        w.result.complete(code);
        list.remove(w);
      }
    }
  }

  void forget(Container c) {
    waiters.remove(c.id);
  }
}
