package io.berth.daemon.container;

import java.security.SecureRandom;
import java.util.List;
import java.util.function.Predicate;

/**
 * Docker-style random names ({@code adjective_surname}) for containers created without
 * {@code --name}, retried until free.
 */
public final class NameGenerator {
  private static final List<String> LEFT = List.of("admiring", "bold", "brave", "calm", "clever",
      "eager", "elated", "focused", "gallant", "happy", "jolly", "keen", "kind", "lucid", "modest",
      "nifty", "quirky", "relaxed", "serene", "sharp", "stoic", "sweet", "tender", "vibrant", "zen");
  private static final List<String> RIGHT = List.of("babbage", "bell", "curie", "darwin",
      "dijkstra", "einstein", "euler", "fermi", "galileo", "hopper", "hypatia", "kepler", "knuth",
      "lamport", "lovelace", "mccarthy", "noether", "pascal", "ritchie", "shannon", "thompson",
      "torvalds", "turing", "wozniak", "yalow");
  private final SecureRandom random = new SecureRandom();
  private final Predicate<String> taken;

  public NameGenerator(Predicate<String> taken) {
    this.taken = taken;
  }

  public String next() {
    for (int i = 0; ; i++) {
      String name = LEFT.get(random.nextInt(LEFT.size())) + "_" + RIGHT.get(random.nextInt(RIGHT.size()));
      if (i > 5) {
        name = name + random.nextInt(100);
      }
      if (!taken.test(name)) {
        return name;
      }
    }
  }
}
