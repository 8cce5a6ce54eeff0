package io.berth.cluster.control;

import static io.berth.cluster.control.PayloadControlTest.CLOCK;
import static io.berth.cluster.control.PayloadControlTest.spec;
import static io.berth.cluster.control.ServiceSpecReaderTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.keys.SecretsKey;
import io.berth.cluster.model.FileTarget;
import io.berth.cluster.model.Payload;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Services name secrets and configs as the docker CLI sends them; swarmkit's checks and texts. */
class ServicePayloadsTest {
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final PayloadControl secrets = new PayloadControl(state, PayloadKind.SECRET, CLOCK);
  private final PayloadControl configs = new PayloadControl(state, PayloadKind.CONFIG, CLOCK);
  private final ServiceControl services = new ServiceControl(state, CLOCK);

  ServicePayloadsTest() {
    state.useSecretsKey(SecretsKey.generate());
  }

  /** {@code docker service create --name web --secret source=S,target=T,uid=1000,gid=1001,mode=0400 --config ...}. */
  static String body(String secrets, String configs) {
    return """
        {"Name":"web","Labels":{},"TaskTemplate":{"ContainerSpec":{"Image":"busybox:1","Args":["sleep","1d"],\
        "Init":false,"DNSConfig":{},"Secrets":%s,"Configs":%s},"Resources":{"Limits":{},"Reservations":{}},\
        "Placement":{},"ForceUpdate":0},"Mode":{"Replicated":{"Replicas":1}},"EndpointSpec":{"Mode":"vip"}}"""
        .formatted(secrets, configs);
  }

  static String secretRef(Payload p, String target) {
    return "{\"File\":{\"Name\":\"" + target + "\",\"UID\":\"1000\",\"GID\":\"1001\",\"Mode\":256},\"SecretID\":\""
        + p.id() + "\",\"SecretName\":\"" + p.spec().name() + "\"}";
  }

  static String configRef(Payload p, String target) {
    return "{\"File\":{\"Name\":\"" + target + "\",\"UID\":\"0\",\"GID\":\"0\",\"Mode\":292},\"ConfigID\":\""
        + p.id() + "\",\"ConfigName\":\"" + p.spec().name() + "\"}";
  }

  private ServiceSpec read(String body) {
    return ServiceSpecReader.read(json(body), () -> "x");
  }

  @Test
  void readsTheCliReferencesAndKeepsThemInTheSpec() {
    Payload pw = secrets.create(spec("pw", "s3cret", Map.of()));
    Payload conf = configs.create(spec("app.conf", "port=80", Map.of()));
    Service web = services.create(read(body("[" + secretRef(pw, "x") + "]", "[" + configRef(conf, "/etc/app.conf") + "]")),
        null);
    var c = web.spec().taskTemplate().containerSpec();
    assertThat(c.secrets()).singleElement().satisfies(r -> {
      assertThat(r.secretId()).isEqualTo(pw.id());
      assertThat(r.file()).isEqualTo(new FileTarget("x", "1000", "1001", 0400));
    });
    assertThat(c.configs()).singleElement().satisfies(r -> assertThat(r.file().name()).isEqualTo("/etc/app.conf"));
  }

  @Test
  void refusesMissingSecretsConflictingTargetsAndRuntimeConfigs() {
    Payload pw = secrets.create(spec("pw", "s3cret", Map.of()));
    Payload other = secrets.create(spec("other", "x", Map.of()));
    String gone = secretRef(pw, "x").replace(pw.id(), "nosuchid0000000000000000");
    assertThatThrownBy(() -> services.create(read(body("[" + gone + "]", "null")), null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("rpc error: code = InvalidArgument desc = secret not found: pw");
    assertThatThrownBy(() -> services.create(read(body("[" + secretRef(pw, "x") + "," + secretRef(other, "x") + "]",
        "null")), null))
        .hasMessage("rpc error: code = InvalidArgument desc = secret references 'pw' and 'other' have a conflicting"
            + " target: 'x'");
    assertThatThrownBy(() -> services.create(read(body("[" + secretRef(pw, "x").replace("\"Mode\":256", "\"Mode\":2048")
        + "]", "null")), null)).hasMessageContaining("file mode 04000 is not supported by Berth");
    Payload conf = configs.create(spec("c", "x", Map.of()));
    String runtime = "{\"Runtime\":{},\"ConfigID\":\"" + conf.id() + "\",\"ConfigName\":\"c\"}";
    assertThatThrownBy(() -> read(body("null", "[" + runtime + "]")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Configs[].Runtime");
    assertThat(services.list(Filters.NONE)).isEmpty();
  }

  @Test
  void aSecretInUseCannotBeRemovedAndRotationFreesTheOldOne() {
    Payload pw = secrets.create(spec("pw", "one", Map.of()));
    Service web = services.create(read(body("[" + secretRef(pw, "x") + "]", "null")), null);
    assertThatThrownBy(() -> secrets.remove("pw"))
        .hasMessage("rpc error: code = InvalidArgument desc = secret 'pw' is in use by the following service: web");
    // docker service update --secret-rm pw --secret-add source=pw2,target=x web
    Payload pw2 = secrets.create(spec("pw2", "two", Map.of()));
    services.update(web.id(), web.version().index(), read(body("[" + secretRef(pw2, "x") + "]", "null")), null, null);
    assertThat(secrets.remove("pw").id()).isEqualTo(pw.id());
    assertThatThrownBy(() -> secrets.remove("pw2")).hasMessageContaining("in use by the following service: web");
    services.remove("web");
    secrets.remove("pw2");
    assertThat(secrets.list(Filters.NONE)).isEmpty();
  }
}
