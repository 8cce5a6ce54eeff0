package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short syntaxes become the long form {@code compose config} prints and the engine calls use. */
class NormalizerTest {
  @TempDir Path dir;

  private Project load(String yaml, Map<String, String> env) throws Exception {
    Files.writeString(dir.resolve("compose.yaml"), yaml);
    return ProjectLoader.load(new ProjectLoader.Options(List.of(), "p", List.of(), null, dir, env));
  }

  @Test
  void dependsOnNetworksAndBuildInLongForm() throws Exception {
    Project p = load("""
        services:
          web:
            build: ./web
            depends_on: [db]
            networks: [front, back]
          db:
            image: db
            depends_on: {cache: {condition: service_healthy}}
            networks: {back: {aliases: [database]}}
          cache: {image: cache}
        networks: {front: {}, back: {}}
        """, Map.of());
    ObjectNode web = p.service("web");
    assertThat(web.path("depends_on").toString()).isEqualTo("{\"db\":{\"condition\":\"service_started\",\"required\":true}}");
    assertThat(web.path("networks").toString()).isEqualTo("{\"front\":{},\"back\":{}}");
    assertThat(web.path("build").path("context").asText()).isEqualTo(dir.resolve("web").toString());
    assertThat(web.path("build").path("dockerfile").asText()).isEqualTo("Dockerfile");
    assertThat(p.service("db").path("depends_on").path("cache").path("required").asBoolean()).isTrue();
    assertThat(p.service("cache").path("networks").toString()).isEqualTo("{\"default\":{}}");
    // the service name is always an alias, next to the declared ones
    assertThat(ContainerBodies.endpoint(p.service("db"), "db", "back").path("Aliases").toString())
        .isEqualTo("[\"db\",\"database\"]");
  }

  @Test
  void environmentListsAndMapsLabelsAndEnvFiles() throws Exception {
    Files.writeString(dir.resolve("a.env"), "A=from-a\nB=from-a\n");
    Files.writeString(dir.resolve("b.env"), "B=from-b\n");
    Project p = load("""
        services:
          web:
            image: x
            env_file: [a.env, b.env, {path: missing.env, required: false}]
            environment: {B: inline, FROM_SHELL: null, NUM: 1, ABSENT: }
            labels: [tier=front, flag]
          db:
            image: y
            environment: ["X=1=2", "FROM_SHELL"]
        """, Map.of("FROM_SHELL", "sh"));
    assertThat(p.service("web").path("environment").toString())
        .isEqualTo("{\"A\":\"from-a\",\"B\":\"inline\",\"FROM_SHELL\":\"sh\",\"NUM\":\"1\"}");
    assertThat(p.service("web").path("labels").toString()).isEqualTo("{\"tier\":\"front\",\"flag\":\"\"}");
    assertThat(p.service("db").path("environment").toString()).isEqualTo("{\"X\":\"1=2\",\"FROM_SHELL\":\"sh\"}");
    assertThatThrownBy(() -> load("services: {web: {image: x, env_file: nope.env}}", Map.of()))
        .hasMessageContaining("services.web.env_file: ").hasMessageContaining("nope.env not found");
  }

  @Test
  void portsInEveryShortForm() throws Exception {
    Project p = load("""
        services:
          web:
            image: x
            ports: [80, "8080:80", "127.0.0.1:9000:9000/udp", "7000-7001:8000-8001", "127.0.0.1::5000",
                    {target: 443, published: 8443, host_ip: 0.0.0.0}]
        """, Map.of());
    List<String> ports = new java.util.ArrayList<>();
    p.service("web").path("ports").forEach(x -> ports.add(x.toString()));
    assertThat(ports).containsExactly(
        "{\"target\":80,\"protocol\":\"tcp\"}",
        "{\"target\":80,\"published\":\"8080\",\"protocol\":\"tcp\"}",
        "{\"target\":9000,\"published\":\"9000\",\"host_ip\":\"127.0.0.1\",\"protocol\":\"udp\"}",
        "{\"target\":8000,\"published\":\"7000\",\"protocol\":\"tcp\"}",
        "{\"target\":8001,\"published\":\"7001\",\"protocol\":\"tcp\"}",
        "{\"target\":5000,\"host_ip\":\"127.0.0.1\",\"protocol\":\"tcp\"}",
        "{\"target\":443,\"published\":\"8443\",\"host_ip\":\"0.0.0.0\",\"protocol\":\"tcp\"}");
    assertThatThrownBy(() -> load("services: {web: {image: x, ports: [\"1-3:1-2\"]}}", Map.of()))
        .hasMessageContaining("services.web.ports[0]: invalid ranges specified for container and host Ports: 1-2 and 1-3");
    assertThatThrownBy(() -> load("services: {web: {image: x, ports: [\"80/sctp\"]}}", Map.of()))
        .hasMessageContaining("services.web.ports[0]: invalid protocol");
  }

  @Test
  void volumesNamedBindAndAnonymous() throws Exception {
    Project p = load("""
        services:
          web:
            image: x
            volumes: [data:/data:ro, ./conf:/etc/conf, /srv:/srv:rw, /anon, "data:/nc:nocopy",
                      {type: bind, source: ./long, target: /long}]
        volumes: {data: {}}
        """, Map.of());
    JsonNode v = p.service("web").path("volumes");
    assertThat(v.get(0).toString()).isEqualTo("{\"type\":\"volume\",\"source\":\"data\",\"target\":\"/data\",\"read_only\":true}");
    assertThat(v.get(1).toString()).isEqualTo("{\"type\":\"bind\",\"source\":\"" + dir.resolve("conf")
        + "\",\"target\":\"/etc/conf\",\"bind\":{\"create_host_path\":true}}");
    assertThat(v.get(3).toString()).isEqualTo("{\"type\":\"volume\",\"target\":\"/anon\"}");
    assertThat(v.get(4).path("volume").path("nocopy").asBoolean()).isTrue();
    // the long syntax does not create a missing host path unless asked, as in compose
    assertThat(v.get(5).has("bind")).isFalse();
    assertThat(v.get(5).path("source").asText()).isEqualTo(dir.resolve("long").toString());
    JsonNode mounts = ContainerBodies.containerBody(p, "web", 1, false, null).path("HostConfig").path("Mounts");
    assertThat(mounts.get(1).path("BindOptions").path("CreateMountpoint").asBoolean()).isTrue();
    assertThat(mounts.get(3).has("Source")).isFalse();
    assertThatThrownBy(() -> load("services: {web: {image: x, volumes: [\"/a:/b:zz\"]}}", Map.of()))
        .hasMessageContaining("services.web.volumes[0]: unknown volume mode \"zz\"");
    assertThatThrownBy(() -> load("services: {web: {image: x, volumes: [\"/a:relative\"]}}", Map.of()))
        .hasMessageContaining("services.web.volumes[0]: the mount target must be an absolute path");
  }

  @Test
  void interpolatedNumbersAndBooleansGetTheirTypesBack() throws Exception {
    Project p = load("""
        services:
          web:
            image: x
            scale: ${N}
            privileged: ${PRIV:-false}
            deploy: {replicas: "${N}", resources: {limits: {memory: "${MEM:-64m}", cpus: "${CPUS:-0.25}"}}}
            healthcheck: {test: ["CMD", "true"], retries: "${R:-3}"}
        """, Map.of("N", "3"));
    ObjectNode web = p.service("web");
    assertThat(web.path("scale").isInt()).isTrue();
    assertThat(web.path("privileged").isBoolean()).isTrue();
    assertThat(web.path("deploy").path("replicas").intValue()).isEqualTo(3);
    assertThat(web.path("healthcheck").path("retries").intValue()).isEqualTo(3);
    assertThatThrownBy(() -> load("services: {web: {image: x, scale: \"${N}\"}}", Map.of("N", "many")))
        .hasMessage("services.web.scale: expected an integer, got \"many\"");
    assertThatThrownBy(() -> load("services: {web: {image: x, deploy: {resources: {limits: {memory: lots}}}}}", Map.of()))
        .hasMessageContaining("services.web.deploy.resources.limits.memory: invalid size \"lots\"");
    assertThatThrownBy(() -> load("services: {web: {image: x, cpus: two}}", Map.of()))
        .hasMessageContaining("services.web.cpus: expected a number of CPUs");
    assertThatThrownBy(() -> load("services: {web: {image: x, healthcheck: {interval: soon}}}", Map.of()))
        .hasMessageContaining("services.web.healthcheck.interval: invalid duration \"soon\"");
    assertThatThrownBy(() -> load("services: {web: {image: x, privileged: \"${P}\"}}", Map.of("P", "maybe")))
        .hasMessageContaining("services.web.privileged: expected a boolean");
  }

  @Test
  void hostConfigFieldsDockerComposeSets() throws Exception {
    Project p = load("""
        services:
          web:
            image: x
            restart: on-failure:3
            stop_grace_period: 1m
            extra_hosts: {db.local: 10.0.0.5}
            ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}
            sysctls: [net.core.somaxconn=1024]
            logging: {driver: json-file, options: {max-size: 1m}}
            shm_size: 64m
            deploy: {resources: {limits: {pids: 100}, reservations: {memory: 32m}}}
        """, Map.of());
    JsonNode b = ContainerBodies.containerBody(p, "web", 1, false, null);
    JsonNode hc = b.path("HostConfig");
    assertThat(hc.path("RestartPolicy").toString()).isEqualTo("{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}");
    assertThat(b.path("StopTimeout").asLong()).isEqualTo(60);
    assertThat(hc.path("ExtraHosts").toString()).isEqualTo("[\"db.local:10.0.0.5\"]");
    assertThat(hc.path("Ulimits").toString())
        .isEqualTo("[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048},{\"Name\":\"nproc\",\"Soft\":512,\"Hard\":512}]");
    assertThat(hc.path("Sysctls").path("net.core.somaxconn").asText()).isEqualTo("1024");
    assertThat(hc.path("LogConfig").toString()).isEqualTo("{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"1m\"}}");
    assertThat(hc.path("ShmSize").asLong()).isEqualTo(64L << 20);
    assertThat(hc.path("PidsLimit").asLong()).isEqualTo(100);
    assertThat(hc.path("MemoryReservation").asLong()).isEqualTo(32L << 20);
    // a one-off run does not publish the service's ports nor take its restart policy
    JsonNode run = ContainerBodies.containerBody(p, "web", 7, true, List.of("sh"));
    assertThat(run.path("HostConfig").path("RestartPolicy").path("Name").asText()).isEqualTo("no");
    assertThat(run.path("Cmd").toString()).isEqualTo("[\"sh\"]");
    assertThat(run.path("Labels").path(ContainerBodies.ONEOFF).asText()).isEqualTo("True");
    assertThat(ContainerBodies.containerName(p, "web", 0x7f, true)).isEqualTo("p-web-run-7f");
  }
}
