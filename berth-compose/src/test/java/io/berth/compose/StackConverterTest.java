package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A compose file as docker stack deploy converts it: names, labels, every ServiceSpec field, what is refused. */
class StackConverterTest {
  @TempDir Path dir;

  private StackConverter.Stack convert(String yaml, String... overrides) throws IOException {
    Files.writeString(dir.resolve("compose.yml"), yaml);
    List<Path> files = new java.util.ArrayList<>(List.of(dir.resolve("compose.yml")));
    for (int i = 0; i < overrides.length; i++) {
      Path f = dir.resolve("override" + i + ".yml");
      Files.writeString(f, overrides[i]);
      files.add(f);
    }
    Project p = ProjectLoader.load(new ProjectLoader.Options(files, "stk", List.of(), null, dir, Map.of("TAG", "2")));
    return StackConverter.convert(p, "stk");
  }

  static final String SHOP = """
      services:
        web:
          image: it/web:${TAG}
          command: httpd -f -p 80
          environment: {B: "2", A: "1"}
          labels: {tier: front}
          ports: ["18080:80", {target: 9090, published: 9090, mode: host}]
          networks:
            front: {aliases: [www]}
          volumes: ["data:/data", "/srv:/srv:ro", {type: tmpfs, target: /cache, tmpfs: {size: 1m}}]
          healthcheck: {test: "nc -z 127.0.0.1 80", interval: 1s, retries: 3}
          extra_hosts: ["db.example:10.0.0.9"]
          dns: [10.0.0.2]
          stop_grace_period: 3s
          stop_signal: SIGINT
          tty: true
          init: true
          ulimits: {nofile: {soft: 1024, hard: 2048}}
          sysctls: {net.core.somaxconn: "1024"}
          cap_add: [NET_ADMIN]
          depends_on:
            api: {condition: service_healthy}
          deploy:
            replicas: 2
            labels: {team: shop}
            update_config: {parallelism: 1, delay: 1s, order: start-first, failure_action: rollback}
            restart_policy: {condition: on-failure, max_attempts: 3}
            resources: {limits: {cpus: "0.5", memory: 64m}, reservations: {memory: 32m}}
            placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.az}], max_replicas_per_node: 2}
        api:
          image: it/api:1
          restart: always
          build: .
          links: [web]
          container_name: api1
          secrets: [token]
      networks:
        front: {labels: {net: a}}
      volumes:
        data: {labels: {vol: b}}
      secrets:
        token: {file: ./token.txt}
      """;

  @Test
  void convertsEveryKeyAsDockerDoes() throws IOException {
    Files.writeString(dir.resolve("token.txt"), "s3cret");
    StackConverter.Stack st = convert(SHOP);
    assertThat(st.networks()).containsOnlyKeys("stk_default", "stk_front");
    JsonNode front = st.networks().get("stk_front");
    assertThat(front.get("Driver").asText()).isEqualTo("overlay");
    assertThat(front.get("Labels").toString()).isEqualTo("{\"net\":\"a\",\"com.docker.stack.namespace\":\"stk\"}");
    assertThat(st.unsupported()).containsExactly("build", "links");
    assertThat(st.deprecated()).containsOnlyKeys("container_name");
    assertThat(st.secrets()).singleElement().satisfies(s -> {
      assertThat(s.get("Name").asText()).isEqualTo("stk_token");
      assertThat(s.get("Data").asText()).isEqualTo(java.util.Base64.getEncoder().encodeToString("s3cret".getBytes()));
      assertThat(s.at("/Labels/com.docker.stack.namespace").asText()).isEqualTo("stk");
    });

    JsonNode web = st.services().get("stk_web");
    assertThat(web.get("Name").asText()).isEqualTo("stk_web");
    assertThat(web.get("Labels").toString()).isEqualTo("{\"team\":\"shop\",\"com.docker.stack.namespace\":\"stk\","
        + "\"com.docker.stack.image\":\"it/web:2\",\"io.berth.stack.depends-on\":\"stk_api:service_healthy\"}");
    JsonNode c = web.at("/TaskTemplate/ContainerSpec");
    assertThat(c.get("Image").asText()).isEqualTo("it/web:2");
    assertThat(c.get("Args").toString()).isEqualTo("[\"httpd\",\"-f\",\"-p\",\"80\"]");
    assertThat(c.has("Command")).isFalse();
    assertThat(c.get("Env").toString()).isEqualTo("[\"A=1\",\"B=2\"]");
    assertThat(c.get("Labels").toString()).isEqualTo("{\"tier\":\"front\",\"com.docker.stack.namespace\":\"stk\"}");
    assertThat(c.get("Mounts").toString()).isEqualTo("[{\"Type\":\"volume\",\"Target\":\"/data\",\"ReadOnly\":false,"
        + "\"Source\":\"stk_data\",\"VolumeOptions\":{\"NoCopy\":false,\"Labels\":{\"vol\":\"b\",\"com.docker.stack.namespace\":\"stk\"}}},"
        + "{\"Type\":\"bind\",\"Target\":\"/srv\",\"ReadOnly\":true,\"Source\":\"/srv\"},"
        + "{\"Type\":\"tmpfs\",\"Target\":\"/cache\",\"ReadOnly\":false,\"TmpfsOptions\":{\"SizeBytes\":1048576}}]");
    assertThat(c.get("Hosts").toString()).isEqualTo("[\"10.0.0.9 db.example\"]");
    assertThat(c.get("DNSConfig").toString()).isEqualTo("{\"Nameservers\":[\"10.0.0.2\"]}");
    assertThat(c.get("Healthcheck").toString()).isEqualTo(
        "{\"Test\":[\"CMD-SHELL\",\"nc -z 127.0.0.1 80\"],\"Interval\":1000000000,\"Retries\":3}");
    assertThat(c.get("StopGracePeriod").asLong()).isEqualTo(3_000_000_000L);
    assertThat(c.get("StopSignal").asText()).isEqualTo("SIGINT");
    assertThat(c.get("TTY").asBoolean()).isTrue();
    assertThat(c.get("Init").asBoolean()).isTrue();
    assertThat(c.get("Ulimits").toString()).isEqualTo("[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048}]");
    assertThat(c.get("Sysctls").toString()).isEqualTo("{\"net.core.somaxconn\":\"1024\"}");
    assertThat(c.get("CapabilityAdd").toString()).isEqualTo("[\"NET_ADMIN\"]");
    JsonNode t = web.get("TaskTemplate");
    assertThat(t.get("Resources").toString()).isEqualTo(
        "{\"Limits\":{\"NanoCPUs\":500000000,\"MemoryBytes\":67108864},\"Reservations\":{\"MemoryBytes\":33554432}}");
    assertThat(t.get("RestartPolicy").toString()).isEqualTo("{\"Condition\":\"on-failure\",\"MaxAttempts\":3}");
    assertThat(t.get("Placement").toString()).isEqualTo("{\"Constraints\":[\"node.role==manager\"],"
        + "\"Preferences\":[{\"Spread\":{\"SpreadDescriptor\":\"node.labels.az\"}}],\"MaxReplicas\":2}");
    assertThat(t.get("Networks").toString()).isEqualTo("[{\"Target\":\"stk_front\",\"Aliases\":[\"www\",\"web\"]}]");
    assertThat(web.get("Mode").toString()).isEqualTo("{\"Replicated\":{\"Replicas\":2}}");
    assertThat(web.get("UpdateConfig").toString()).isEqualTo("{\"Parallelism\":1,\"Delay\":1000000000,"
        + "\"FailureAction\":\"rollback\",\"MaxFailureRatio\":0.0,\"Order\":\"start-first\"}");
    assertThat(web.get("EndpointSpec").toString()).isEqualTo("{\"Ports\":["
        + "{\"Protocol\":\"tcp\",\"TargetPort\":9090,\"PublishedPort\":9090,\"PublishMode\":\"host\"},"
        + "{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":18080,\"PublishMode\":\"ingress\"}]}");

    JsonNode api = st.services().get("stk_api");
    assertThat(api.at("/TaskTemplate/RestartPolicy").toString()).isEqualTo("{\"Condition\":\"any\"}");
    assertThat(api.at("/TaskTemplate/Networks").toString()).isEqualTo("[{\"Target\":\"stk_default\",\"Aliases\":[\"api\"]}]");
    assertThat(api.at("/TaskTemplate/ContainerSpec/Secrets").toString()).isEqualTo(
        "[{\"File\":{\"Name\":\"token\",\"UID\":\"0\",\"GID\":\"0\",\"Mode\":292},\"SecretName\":\"stk_token\"}]");
    assertThat(api.at("/Mode").toString()).isEqualTo("{\"Replicated\":{}}");
  }

  @Test
  void theSameFilesConvertToTheSameSpecsAndOverridesMergeInOrder() throws IOException {
    String base = "services:\n  web: {image: it/web:1, environment: {A: \"1\"}}\n  db: {image: it/db:1}\n";
    StackConverter.Stack one = convert(base);
    StackConverter.Stack two = convert(base);
    assertThat(one.services()).isEqualTo(two.services());
    StackConverter.Stack changed = convert(base, "services:\n  web: {environment: {A: \"2\"}, deploy: {replicas: 3}}\n");
    assertThat(changed.services().get("stk_db")).isEqualTo(one.services().get("stk_db"));
    assertThat(changed.services().get("stk_web").at("/TaskTemplate/ContainerSpec/Env").toString()).isEqualTo("[\"A=2\"]");
    assertThat(changed.services().get("stk_web").at("/Mode/Replicated/Replicas").asInt()).isEqualTo(3);
  }

  @Test
  void refusesWhatDockerRefusesAndWhatBerthCannotCarry() {
    assertThatThrownBy(() -> convert("services:\n  web: {image: x, mem_limit: 64m}\n"))
        .hasMessage("Compose file contains unsupported options:\n\nmem_limit: Set resource limits using deploy.resources\n");
    assertThatThrownBy(() -> convert("services:\n  web: {image: x, logging: {driver: syslog}}\n"))
        .hasMessageContaining("services.web.logging");
    assertThatThrownBy(() -> convert("services:\n  web: {image: x, ports: [\"127.0.0.1:80:80\"]}\n"))
        .hasMessageContaining("hostip is not supported");
    assertThatThrownBy(() -> convert("services:\n  web: {image: x, deploy: {mode: global, replicas: 2}}\n"))
        .hasMessageContaining("replicas can only be used with replicated or replicated-job mode");
    assertThatThrownBy(() -> convert("services:\n  web: {image: x, networks: {n: {ipv4_address: 10.0.0.5}}}\nnetworks: {n: {}}\n"))
        .hasMessageContaining("services.web.networks.n.ipv4_address");
    assertThatThrownBy(() -> convert("services:\n  web: {image: x, depends_on: {db: {condition: service_started, restart: true}}}\n"
        + "  db: {image: y}\n"))
        .hasMessageContaining("services.web.depends_on.db.restart is not supported");
  }

  @Test
  void externalNetworksAndVolumesKeepTheirNames() throws IOException {
    StackConverter.Stack st = convert("""
        services:
          web: {image: x, networks: [shared], volumes: ["logs:/logs"]}
        networks:
          shared: {external: true, name: edge}
        volumes:
          logs: {external: true}
        """);
    assertThat(st.networks()).isEmpty();
    assertThat(st.externalNetworks()).containsExactly("edge");
    assertThat(st.services().get("stk_web").at("/TaskTemplate/ContainerSpec/Mounts/0").toString())
        .isEqualTo("{\"Type\":\"volume\",\"Target\":\"/logs\",\"ReadOnly\":false,\"Source\":\"logs\",\"VolumeOptions\":{\"NoCopy\":false}}");
  }
}
