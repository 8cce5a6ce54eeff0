package io.berth.cluster.control;

import io.berth.cluster.model.ConfigReference;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.FileTarget;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.Service;
import io.berth.cluster.state.ClusterState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The secrets and configs a service's tasks get, checked at {@code service create/update} with
 * swarmkit's rules and texts: each reference names an id and a name, a file target, no two
 * references of a kind the same target, and every one names an existing object by id whose name
 * is the one given ("secret not found: X"). Also who uses a secret or config, which refuses its
 * removal.
 */
final class PayloadReferences {
  /** One reference of either kind, as the checks see it. */
  private record Ref(String id, String name, FileTarget file) {}

  private PayloadReferences() {}

  static void check(ContainerSpec spec, ClusterState state) {
    check(PayloadKind.SECRET, spec.secrets().stream().map(r -> new Ref(r.secretId(), r.secretName(), r.file()))
        .toList(), state);
    check(PayloadKind.CONFIG, spec.configs().stream().map(r -> new Ref(r.configId(), r.configName(), r.file()))
        .toList(), state);
  }

  private static void check(PayloadKind kind, List<Ref> refs, ClusterState state) {
    Map<String, String> targets = new HashMap<>();
    for (Ref r : refs) {
      if (r.id().isEmpty() || r.name().isEmpty()) {
        throw RpcErrors.invalidArgument("malformed " + kind.word() + " reference");
      }
      if (r.file() == null || r.file().name().isEmpty()) {
        throw RpcErrors.invalidArgument("malformed file " + kind.word()
            + " reference, invalid target file name provided");
      }
      String before = targets.putIfAbsent(r.file().name(), r.name());
      if (before != null) {
        throw RpcErrors.invalidArgument(kind.word() + " references '" + before + "' and '" + r.name()
            + "' have a conflicting target: '" + r.file().name() + "'");
      }
      numeric(kind, r, "UID", r.file().uid());
      numeric(kind, r, "GID", r.file().gid());
      if (r.file().mode() < 0 || r.file().mode() > 0777) {
        throw RpcErrors.invalidArgument(kind.word() + " reference '" + r.name() + "': file mode 0"
            + Integer.toOctalString(r.file().mode()) + " is not supported by Berth (permission bits 0000-0777 only;"
            + " no setuid, setgid or sticky bit)");
      }
    }
    List<String> missing = new ArrayList<>();
    for (Ref r : refs) {
      Optional<Payload> p = state.payload(kind.storeKind(), r.id());
      if (p.isEmpty() || !p.get().spec().name().equals(r.name())) {
        missing.add(r.name());
      }
    }
    if (!missing.isEmpty()) {
      throw RpcErrors.invalidArgument(kind.word() + (missing.size() == 1 ? "" : "s") + " not found: "
          + String.join(", ", missing));
    }
  }

  /** The owner and group are numbers (Berth resolves no user names in the image for these files). */
  private static void numeric(PayloadKind kind, Ref r, String what, String value) {
    if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > 0xFFFF_FFFFL) {
      throw RpcErrors.invalidArgument(kind.word() + " reference '" + r.name() + "': " + what + " must be a number, not '"
          + value + "'");
    }
  }

  /**
   * The services whose current spec names the payload {@code id}. As in swarmkit, the previous
   * spec kept for a rollback does not count: rotating a secret ({@code --secret-rm old
   * --secret-add new}) and then removing the old one must work.
   */
  static List<Service> usersOf(PayloadKind kind, String id, List<Service> services) {
    return services.stream().filter(s -> names(kind, id, s.spec().taskTemplate().containerSpec())).toList();
  }

  private static boolean names(PayloadKind kind, String id, ContainerSpec c) {
    return kind == PayloadKind.SECRET
        ? c.secrets().stream().anyMatch(r -> r.secretId().equals(id))
        : c.configs().stream().map(ConfigReference::configId).anyMatch(id::equals);
  }
}
