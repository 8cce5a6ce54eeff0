package io.berth.cluster.control;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Finds one object the way Docker's daemon does for {@code service|node|task inspect/update/rm}:
 * the full id first, then the name, then an id prefix; none is "KIND X not found" (404), several
 * "KIND X is ambiguous (N matches found)" (400), Docker's texts.
 */
final class Lookup {
  private Lookup() {}

  static <T> T find(String kind, String ref, List<T> all, Function<T, String> id, Predicate<T> named) {
    if (ref == null || ref.isEmpty()) {
      throw new InvalidArgumentException(kind + " name or ID must not be empty");
    }
    for (T t : all) {
      if (id.apply(t).equals(ref)) {
        return t;
      }
    }
    List<T> byName = all.stream().filter(named).toList();
    if (!byName.isEmpty()) {
      return one(kind, ref, byName);
    }
    return one(kind, ref, all.stream().filter(t -> id.apply(t).startsWith(ref)).toList());
  }

  private static <T> T one(String kind, String ref, List<T> matches) {
    if (matches.isEmpty()) {
      throw new NotFoundException(kind + " " + ref + " not found");
    }
    if (matches.size() > 1) {
      throw new InvalidArgumentException(kind + " " + ref + " is ambiguous (" + matches.size() + " matches found)");
    }
    return matches.getFirst();
  }
}
