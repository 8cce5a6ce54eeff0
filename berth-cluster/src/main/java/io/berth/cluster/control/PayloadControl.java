package io.berth.cluster.control;

import io.berth.cluster.ca.keys.SecretsKey;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.PayloadSpec;
import io.berth.cluster.model.Version;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.Ids;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code docker secret|config create/ls/inspect/rm} and the label updates of
 * {@code /secrets/{id}/update}, with swarmkit's rules and texts: names of at most 64 characters
 * from {@code [a-zA-Z0-9-_.]} starting and ending with a letter or digit and unique, a payload
 * of at least one byte under the kind's limit, only labels change, and no removal while a
 * service names it. A secret's payload is sealed with the manager's {@link SecretsKey} before it
 * is written (decision 0040); what this returns never carries a secret's payload, plain or sealed.
 */
public final class PayloadControl {
  /** swarmkit's isValidName for secrets and configs. */
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9](?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$");
  private static final Set<String> LIST_FILTERS = Set.of("id", "label", "name", "names");

  private final ClusterState state;
  private final PayloadKind kind;
  private final Clock clock;

  public PayloadControl(ClusterState state, PayloadKind kind, Clock clock) {
    this.state = state;
    this.kind = kind;
    this.clock = clock;
  }

  public Payload create(PayloadSpec spec) {
    validate(spec);
    for (Payload p : all()) {
      if (p.spec().name().equals(spec.name())) {
        throw RpcErrors.alreadyExists(kind.word() + " " + spec.name() + " already exists");
      }
    }
    String id = Ids.newId();
    byte[] data = spec.data();
    PayloadSpec stored = kind.sealed() ? spec.withData(key().seal(data, owner(id))) : spec;
    Instant now = clock.instant();
    Payload p = new Payload(id, Version.ZERO, now, now, stored);
    return shown(ClusterState.decode(state.batch().create(kind.storeKind(), p).apply().getFirst(), Payload.class));
  }

  /** By full id, then name, then id prefix (Docker's lookup). */
  public Payload inspect(String ref) {
    return shown(find(ref));
  }

  /** Docker's list filters: id and name (prefixes), names (exact), label. */
  public List<Payload> list(Filters filters) {
    filters.accept(LIST_FILTERS);
    return all().stream()
        .filter(p -> filters.any("id", p.id()::startsWith))
        .filter(p -> filters.any("name", p.spec().name()::startsWith))
        .filter(p -> filters.any("names", p.spec().name()::equals))
        .filter(p -> filters.labels("label", p.spec().labels()))
        .map(this::shown)
        .toList();
  }

  /** Only the labels change (swarmkit: "only updates to Labels are allowed"), from the version read. */
  public Payload update(String ref, long version, PayloadSpec asked) {
    Payload current = find(ref);
    if (current.version().index() != version) {
      throw RpcErrors.outOfSequence();
    }
    byte[] data = asked.data();
    if (!current.spec().name().equals(asked.name()) || data != null && !MessageDigest.isEqual(data, plain(current))) {
      throw RpcErrors.invalidArgument("only updates to Labels are allowed");
    }
    Payload next = current.withSpec(current.spec().withLabels(asked.labels()), clock.instant());
    return shown(ClusterState.decode(state.batch().update(kind.storeKind(), next).apply().getFirst(), Payload.class));
  }

  /** Refused while a service names it, with swarmkit's text listing those services. */
  public Payload remove(String ref) {
    Payload p = find(ref);
    List<String> users = PayloadReferences.usersOf(kind, p.id(), state.services()).stream()
        .map(s -> s.spec().name()).toList();
    if (!users.isEmpty()) {
      throw RpcErrors.invalidArgument(kind.word() + " '" + p.spec().name() + "' is in use by the following service"
          + (users.size() == 1 ? "" : "s") + ": " + String.join(", ", users));
    }
    state.batch().delete(kind.storeKind(), p.id()).apply();
    return shown(p);
  }

  /** The payload in clear: a secret's opened with the manager's key (the dispatcher's use). */
  public byte[] plain(Payload stored) {
    byte[] data = stored.spec().data();
    return kind.sealed() ? key().open(data, owner(stored.id())) : data;
  }

  /** What a secret's payload is sealed for: its kind and id, so a sealed payload fits no other object. */
  static String owner(String id) {
    return ClusterState.SECRETS + "/" + id;
  }

  private Payload find(String ref) {
    return Lookup.find(kind.word(), ref, all(), Payload::id, p -> p.spec().name().equals(ref));
  }

  private List<Payload> all() {
    return state.payloads(kind.storeKind());
  }

  private SecretsKey key() {
    return state.secretsKey().orElseThrow(() -> new FailedPreconditionException(
        "this manager holds no secrets key: the swarm was made by a Berth without secrets support;"
            + " secrets need a swarm made again with swarm init"));
  }

  /** A secret without its payload (never shown, as Docker); a config as stored. */
  private Payload shown(Payload p) {
    return kind.sealed() ? p.withSpec(p.spec().withData(null), p.updatedAt()) : p;
  }

  private void validate(PayloadSpec spec) {
    String name = spec.name();
    if (name.isEmpty()) {
      throw RpcErrors.invalidArgument("name must be provided");
    }
    if (name.length() > 64 || !NAME.matcher(name).matches()) {
      throw RpcErrors.invalidArgument("invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and"
          + " end character must be [a-zA-Z0-9]");
    }
    if (spec.driver() != null && !spec.driver().name().isEmpty()) {
      throw new InvalidArgumentException(kind.word() + " " + name + ": secret drivers (Driver "
          + spec.driver().name() + ", --driver) are not supported by Berth; give the data itself");
    }
    if (spec.templating() != null && !spec.templating().name().isEmpty()) {
      throw new InvalidArgumentException(kind.word() + " " + name + ": templating (Templating "
          + spec.templating().name() + ", --template-driver) is not supported by Berth");
    }
    byte[] data = spec.data();
    if (data == null || data.length < 1 || data.length >= kind.maxBytes()) {
      throw RpcErrors.invalidArgument(kind.word() + " data must be larger than 0 and less than " + kind.maxBytes()
          + " bytes");
    }
    if (kind.sealed() && new String(data, StandardCharsets.ISO_8859_1).isBlank()) {
      throw RpcErrors.invalidArgument("secret data must contain non white space bytes");
    }
  }
}
