package io.berth.cluster.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.keys.SecretsKey;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.PayloadSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets and configs with swarmkit's rules and texts; a secret's payload is stored sealed only. */
class PayloadControlTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final PayloadControl secrets = new PayloadControl(state, PayloadKind.SECRET, CLOCK);
  private final PayloadControl configs = new PayloadControl(state, PayloadKind.CONFIG, CLOCK);

  PayloadControlTest() {
    state.useSecretsKey(SecretsKey.generate());
  }

  static PayloadSpec spec(String name, String data, Map<String, String> labels) {
    return new PayloadSpec(name, labels, data == null ? null : data.getBytes(StandardCharsets.UTF_8), null, null);
  }

  @Test
  void aSecretIsStoredSealedAndNeverShownWhileAConfigIsShown() {
    Payload s = secrets.create(spec("pw", "hunter2-topsecret", Map.of("a", "b")));
    assertThat(s.spec().data()).isNull();
    assertThat(secrets.inspect("pw").spec().data()).isNull();
    assertThat(secrets.list(Filters.NONE)).allSatisfy(p -> assertThat(p.spec().data()).isNull());
    byte[] raw = state.store().get(ClusterState.SECRETS, s.id()).orElseThrow().value();
    String stored = new String(raw, StandardCharsets.ISO_8859_1);
    assertThat(stored).doesNotContain("hunter2").doesNotContain(Base64.getEncoder()
        .encodeToString("hunter2-topsecret".getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    assertThat(secrets.plain(state.payload(ClusterState.SECRETS, s.id()).orElseThrow()))
        .isEqualTo("hunter2-topsecret".getBytes(StandardCharsets.UTF_8));

    Payload c = configs.create(spec("app.conf", "port=80", Map.of()));
    assertThat(new String(configs.inspect(c.id()).spec().data(), StandardCharsets.UTF_8)).isEqualTo("port=80");
  }

  @Test
  void namesAndSizesAsSwarmkit() {
    assertThatThrownBy(() -> secrets.create(spec("bad name", "x", Map.of())))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed,"
            + " and the start and end character must be [a-zA-Z0-9]");
    assertThatThrownBy(() -> secrets.create(spec("-x", "x", Map.of()))).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> secrets.create(spec("a".repeat(65), "x", Map.of())))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(secrets.create(spec("a".repeat(64), "x", Map.of())).spec().name()).hasSize(64);
    assertThatThrownBy(() -> secrets.create(spec("empty", null, Map.of())))
        .hasMessage("rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 512000 bytes");
    assertThatThrownBy(() -> secrets.create(spec("big", "x".repeat(500 * 1024), Map.of())))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("less than 512000 bytes");
    assertThat(secrets.create(spec("justunder", "x".repeat(500 * 1024 - 1), Map.of())).id()).isNotEmpty();
    assertThatThrownBy(() -> configs.create(spec("bigc", "x".repeat(1000 * 1024), Map.of())))
        .hasMessageContaining("config data must be larger than 0 and less than 1024000 bytes");
    assertThatThrownBy(() -> secrets.create(new PayloadSpec("d", Map.of(), new byte[] {1}, 
        new io.berth.cluster.model.Driver("vault", Map.of()), null)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Driver vault");
  }

  @Test
  void aDuplicateNameIsAConflictAndLookupsAreDockers() {
    Payload s = secrets.create(spec("pw", "1", Map.of()));
    assertThatThrownBy(() -> secrets.create(spec("pw", "2", Map.of())))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessage("rpc error: code = AlreadyExists desc = secret pw already exists");
    configs.create(spec("pw", "same name, other kind", Map.of()));
    assertThat(secrets.inspect(s.id().substring(0, 6)).id()).isEqualTo(s.id());
    assertThatThrownBy(() -> secrets.inspect("nope")).isInstanceOf(NotFoundException.class)
        .hasMessage("secret nope not found");
  }

  @Test
  void listsWithNameIdAndLabelFilters() {
    Payload a = secrets.create(spec("db-password", "1", Map.of("env", "prod")));
    secrets.create(spec("db-user", "2", Map.of("env", "dev")));
    secrets.create(spec("api-key", "3", Map.of()));
    assertThat(names(secrets.list(filters("name", "db-")))).containsExactlyInAnyOrder("db-password", "db-user");
    assertThat(names(secrets.list(filters("names", "db-")))).isEmpty();
    assertThat(names(secrets.list(filters("label", "env=prod")))).containsExactly("db-password");
    assertThat(names(secrets.list(filters("label", "env")))).hasSize(2);
    assertThat(names(secrets.list(filters("id", a.id().substring(0, 5))))).containsExactly("db-password");
    assertThatThrownBy(() -> secrets.list(filters("driver", "x"))).hasMessage("invalid filter 'driver'");
  }

  @Test
  void onlyLabelsChangeFromTheVersionRead() {
    Payload s = secrets.create(spec("pw", "one", Map.of("a", "1")));
    Payload updated = secrets.update("pw", s.version().index(), spec("pw", null, Map.of("a", "2")));
    assertThat(updated.spec().labels()).containsEntry("a", "2");
    assertThat(updated.version().index()).isGreaterThan(s.version().index());
    assertThatThrownBy(() -> secrets.update("pw", s.version().index(), spec("pw", null, Map.of())))
        .isInstanceOf(ConflictException.class);
    long v = updated.version().index();
    assertThatThrownBy(() -> secrets.update("pw", v, spec("pw", "two", Map.of())))
        .hasMessage("rpc error: code = InvalidArgument desc = only updates to Labels are allowed");
    assertThatThrownBy(() -> secrets.update("pw", v, spec("renamed", null, Map.of())))
        .hasMessage("rpc error: code = InvalidArgument desc = only updates to Labels are allowed");
    assertThat(secrets.update("pw", v, spec("pw", "one", Map.of())).spec().labels()).isEmpty(); // same data: fine
  }

  @Test
  void aManagerWithoutTheSecretsKeyRefusesSecretsButNotConfigs() {
    ClusterState keyless = new ClusterState(new MemoryClusterStore());
    assertThatThrownBy(() -> new PayloadControl(keyless, PayloadKind.SECRET, CLOCK).create(spec("pw", "x", Map.of())))
        .isInstanceOf(FailedPreconditionException.class).hasMessageContaining("holds no secrets key");
    assertThat(new PayloadControl(keyless, PayloadKind.CONFIG, CLOCK).create(spec("c", "x", Map.of())).id())
        .isNotEmpty();
  }

  static Filters filters(String key, String value) {
    return new Filters(Map.of(key, List.of(value)));
  }

  private static List<String> names(List<Payload> ps) {
    return ps.stream().map(p -> p.spec().name()).toList();
  }
}
