package io.berth.network.overlay;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The least-connections choice from counts: the backends with the fewest live connections, in
 * their given order (round robin takes them in turn: ties are shared). A backend with no count
 * has none, so a new task is picked at once, as HAProxy's {@code leastconn} does.
 */
final class LeastLoaded {
  private LeastLoaded() {}

  static <B> List<B> of(List<B> backends, Function<B, String> address, Map<String, Integer> counts) {
    int least = backends.stream().mapToInt(b -> counts.getOrDefault(address.apply(b), 0)).min().orElse(0);
    return backends.stream().filter(b -> counts.getOrDefault(address.apply(b), 0) == least).toList();
  }
}
