package io.berth.cluster.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Iterator;
import java.util.Map;

/**
 * What Berth does with each field of a Docker request body, checked before the body is read into
 * the model: a field Berth honours is read; a field it does not honour yet is accepted only with
 * its empty/default value (the docker CLI sends several of them on every request: {@code Init:
 * false}, {@code DNSConfig: {}}) and refused by name otherwise; a field Docker's API does not have
 * is refused as unknown. So nothing the user asks for is silently dropped.
 */
final class FieldRules {
  /** How one field (by its dotted path, {@code []} for the items of an array) is treated. */
  enum Rule {
    /** Read into the model as a whole (its inner fields are checked by the model's records). */
    HONOURED,
    /** An object whose fields have rules of their own. */
    OBJECT,
    /** An array of objects whose fields ({@code path[].Field}) have rules of their own. */
    OBJECTS,
    /** Not honoured yet: accepted when absent, null or empty/zero/false, else refused by name. */
    DEFAULT_ONLY
  }

  private final String what;
  private final Map<String, Rule> rules;
  private final Map<String, String> hints;

  /**
   * @param what the body's name in errors ("service spec")
   * @param hints for a DEFAULT_ONLY path, the flag or reason shown with the refusal
   */
  FieldRules(String what, Map<String, Rule> rules, Map<String, String> hints) {
    this.what = what;
    this.rules = Map.copyOf(rules);
    this.hints = Map.copyOf(hints);
  }

  /** Refuses the first field of {@code body} that is unknown or not honoured with a non-default value. */
  void check(JsonNode body) {
    walk("", body);
  }

  private void walk(String prefix, JsonNode object) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      Rule rule = rules.get(path);
      if (rule == null) {
        throw new InvalidArgumentException(what + ": unknown field " + path);
      }
      switch (rule) {
        case HONOURED -> { }
        case OBJECT -> {
          if (value.isObject()) {
            walk(path, value);
          } else if (!value.isNull()) {
            throw new InvalidArgumentException(what + ": " + path + " must be an object, got " + value);
          }
        }
        case OBJECTS -> {
          if (value.isArray()) {
            for (JsonNode item : value) {
              if (!item.isObject()) {
                throw new InvalidArgumentException(what + ": " + path + " must hold objects, got " + item);
              }
              walk(path + "[]", item);
            }
          } else if (!value.isNull()) {
            throw new InvalidArgumentException(what + ": " + path + " must be an array, got " + value);
          }
        }
        case DEFAULT_ONLY -> {
          if (!isDefault(value)) {
            String hint = hints.get(path);
            throw new InvalidArgumentException(what + ": " + path + " is not supported by Berth yet"
                + (hint == null ? "" : " (" + hint + ")") + "; got " + value);
          }
        }
      }
    }
  }

  /** Go's zero value as the CLI sends it: null, false, 0, "", [] or an object of such. */
  static boolean isDefault(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return true;
    }
    if (v.isBoolean()) {
      return !v.booleanValue();
    }
    if (v.isNumber()) {
      return v.asDouble() == 0;
    }
    if (v.isTextual()) {
      return v.textValue().isEmpty();
    }
    if (v.isArray()) {
      return v.isEmpty();
    }
    if (v.isObject()) {
      for (JsonNode inner : v) {
        if (!isDefault(inner)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
