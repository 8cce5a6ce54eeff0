package io.berth.cluster.model;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Arrays;

/** An enum spelled on the wire as Docker spells it (lower case, dashes), read back by that name. */
public interface WireName {
  String wire();

  /** The constant of {@code type} spelled {@code text}; anything else is refused naming {@code what} and the accepted values. */
  static <E extends Enum<E> & WireName> E parse(Class<E> type, String text, String what) {
    for (E value : type.getEnumConstants()) {
      if (value.wire().equals(text)) {
        return value;
      }
    }
    throw new InvalidArgumentException("invalid " + what + " '" + text + "': expected one of "
        + Arrays.stream(type.getEnumConstants()).map(WireName::wire).toList());
  }
}
