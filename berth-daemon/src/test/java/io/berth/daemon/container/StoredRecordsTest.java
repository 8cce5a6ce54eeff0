package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.network.PortBinding;
import io.berth.runtime.log.LogDriver;
import io.berth.store.meta.FileMetadataStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container records as berthd wrote them before the typed model (fixtures written by the daemon
 * of the commit before it: a created container with most options, an exited and a paused one):
 * they load, their typed model is read from their JSON, and written back they are unchanged,
 * so {@code docker inspect} (rendered from the record) shows what it showed.
 */
class StoredRecordsTest {
  private static final List<String> FIXTURES = List.of("created", "exited", "paused");
  @TempDir Path tmp;
  private ContainerRepository repo;

  @BeforeEach
  void load() throws Exception {
    Path bucket = Files.createDirectories(tmp.resolve("meta/containers"));
    for (String f : FIXTURES) {
      JsonNode record = fixture(f);
      Files.writeString(bucket.resolve(record.path("id").asText()), record.toString());
    }
    repo = new ContainerRepository(new FileMetadataStore(tmp.resolve("meta")));
  }

  private static JsonNode fixture(String name) throws Exception {
    try (InputStream in = StoredRecordsTest.class.getResourceAsStream("records/" + name + ".json")) {
      return RecordJson.MAPPER.readTree(in);
    }
  }

  @Test
  void everyRecordLoadsWithItsStatus() {
    assertThat(repo.all()).extracting(c -> c.name + "=" + c.state.status())
        .containsExactlyInAnyOrder("rich=created", "plain=exited", "up=paused");
  }

  @Test
  void theTypedModelIsReadFromAnOldRecord() {
    Container rich = repo.get("rich");
    HostSpec h = rich.host();
    assertThat(h.restartPolicy()).isEqualTo(new RestartPolicy("on-failure", 3));
    assertThat(h.autoRemove()).isFalse();
    assertThat(h.readonlyRootfs()).isTrue();
    assertThat(h.init()).isTrue();
    assertThat(h.capAdd()).containsExactly("CAP_NET_ADMIN");
    assertThat(h.capDrop()).containsExactly("CAP_MKNOD");
    assertThat(h.security().noNewPrivileges()).isTrue();
    assertThat(h.resources().memory()).isEqualTo(64L << 20);
    assertThat(h.resources().memorySwap()).isEqualTo(128L << 20);
    assertThat(h.resources().cpuQuota()).isEqualTo(50_000L);
    assertThat(h.resources().pidsLimit()).isEqualTo(50L);
    assertThat(h.tuning().sysctls()).isEqualTo(Map.of("net.ipv4.ip_forward", "1"));
    assertThat(h.tuning().rlimits()).hasSize(1);
    assertThat(h.log().driver()).isEqualTo(LogDriver.JSON_FILE);
    assertThat(h.log().opts()).containsEntry("max-size", "1m");
    assertThat(h.dns()).isEqualTo(new HostSpec.Dns(List.of("1.1.1.1"), List.of("example.org"), List.of("ndots:2"),
        List.of("db:10.0.0.5")));
    assertThat(h.mounts()).containsExactly(new MountRequest.Tmpfs("/run", List.of("nosuid", "nodev", "noexec")));
    ConfigSpec cs = rich.configSpec();
    assertThat(cs.env()).containsExactly("X=1");
    assertThat(cs.labels()).isEqualTo(Map.of("a", "b"));
    assertThat(cs.volumes()).containsExactly("/data");
    assertThat(cs.tty()).isFalse();
    assertThat(cs.stopSignal()).isEqualTo("SIGINT");
    assertThat(cs.stopTimeoutOrDefault()).isEqualTo(3);
    assertThat(cs.health()).isEqualTo(new HealthCheck(List.of("/bin/sh", "-c", "true"), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5), 2));
    Container plain = repo.get("plain");
    assertThat(plain.host().restartPolicy()).isEqualTo(RestartPolicy.NO);
    assertThat(plain.configSpec().stopSignal()).isEqualTo("SIGTERM");
    assertThat(plain.configSpec().stopTimeout()).isNull();
    assertThat(plain.configSpec().health()).isNull();
    assertThat(plain.configSpec().labels()).isEmpty();
    assertThat(repo.get("up").host().restartPolicy().name()).isEqualTo("always");
  }

  @Test
  void theNetworkPartIsReadFromAnOldRecord() {
    Container rich = repo.get("rich");
    NetworkSpec n = rich.host().network();
    assertThat(n.mode()).isEqualTo(new NetworkSpec.Mode.Bridged("bridge"));
    assertThat(n.portBindings()).containsExactly(new PortBinding("", 8080, 80, "tcp"));
    assertThat(n.publishAll()).isFalse();
    assertThat(n.links()).isEmpty(); // stored as null
    assertThat(rich.configSpec().exposedPorts()).containsExactly("80/tcp");
    assertThat(n.requested(rich.configSpec().exposedPorts())).containsExactly(new PortBinding("", 8080, 80, "tcp"));
    NetworkSpec plain = repo.get("plain").host().network();
    assertThat(plain.portBindings()).isEmpty();
    assertThat(plain.bridged()).isTrue();
    assertThat(repo.get("plain").configSpec().exposedPorts()).isEmpty();
    assertThat(rich.configSpec().hostnameOr(rich.shortId())).isEqualTo("7ed7d130d4b7");
    assertThat(rich.configSpec().domainname()).isEmpty();
  }

  @Test
  void writtenBackEachRecordIsWhatWasRead() throws Exception {
    for (String f : FIXTURES) {
      JsonNode before = fixture(f);
      Container c = repo.get(before.path("id").asText());
      c.host(); // reading the typed model changes nothing that is stored
      c.configSpec();
      JsonNode after = RecordJson.MAPPER.valueToTree(c);
      assertThat(after).as(f).isEqualTo(withoutEndpoints(before));
    }
  }

  /**
   * The record as written back: the endpoints and published ports older records carried are the
   * networks' now (decision 0027), so they are read, ignored and not written again.
   */
  private static JsonNode withoutEndpoints(JsonNode record) {
    ObjectNode r = record.deepCopy();
    r.remove(List.of("endpoint", "ports"));
    r.path("networks").forEach(n -> ((ObjectNode) n).remove("endpoint"));
    return r;
  }

  @Test
  void anUpdateReplacesTheTypedModelWithTheJson() {
    Container rich = repo.get("rich");
    rich.host();
    var updated = rich.hostConfig.deepCopy();
    updated.putObject("RestartPolicy").put("Name", "always").put("MaximumRetryCount", 0);
    rich.hostConfig(updated);
    assertThat(rich.host().restartPolicy().name()).isEqualTo("always");
    assertThat(rich.hostConfig.path("RestartPolicy").path("Name").asText()).isEqualTo("always");
  }
}
