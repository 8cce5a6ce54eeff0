package io.berth.cluster.control;

import static io.berth.cluster.control.ServiceSpecReaderTest.PLAIN;
import static io.berth.cluster.control.ServiceSpecReaderTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.AlreadyExistsException;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.NotImplementedException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Services are created, found, updated and removed with swarmkit's rules and Docker's texts. */
class ServiceControlTest {
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final ServiceControl control =
      new ServiceControl(state, Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC));

  private static ServiceSpec spec(String name) {
    return ServiceSpecReader.read(json(PLAIN.replace("\"web\"", "\"" + name + "\"")), () -> "x");
  }

  @Test
  void createsWithANewIdAndTheStoresVersionAndRefusesTheSameNameInAnyCase() {
    Service web = control.create(spec("web"), null);
    assertThat(web.id()).hasSize(25);
    assertThat(web.version().index()).isPositive();
    assertThat(state.service(web.id())).isPresent();
    assertThatThrownBy(() -> control.create(spec("WEB"), null))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessage("rpc error: code = AlreadyExists desc = name conflicts with an existing object: "
            + "service WEB already exists");
  }

  @Test
  void findsByIdNameAndPrefixAsDocker() {
    Service web = control.create(spec("web"), null);
    Service api = control.create(spec("api"), null);
    assertThat(control.inspect(web.id()).id()).isEqualTo(web.id());
    assertThat(control.inspect("api").id()).isEqualTo(api.id());
    assertThat(control.inspect(web.id().substring(0, 12)).id()).isEqualTo(web.id());
    assertThatThrownBy(() -> control.inspect("nope")).isInstanceOf(NotFoundException.class)
        .hasMessage("service nope not found");
  }

  @Test
  void listsWithDockersFilters() {
    Service web = control.create(spec("web"), null);
    control.create(new ServiceSpec("glob", Map.of("tier", "front"), spec("x").taskTemplate(),
        ServiceMode.ofGlobal(), null), null);
    assertThat(control.list(Filters.NONE)).hasSize(2);
    assertThat(control.list(new Filters(Map.of("mode", List.of("global"))))).extracting(s -> s.spec().name())
        .containsExactly("glob");
    assertThat(control.list(new Filters(Map.of("label", List.of("tier=front"))))).hasSize(1);
    assertThat(control.list(new Filters(Map.of("name", List.of("we"))))).extracting(Service::id)
        .containsExactly(web.id());
    assertThatThrownBy(() -> control.list(new Filters(Map.of("colour", List.of("red")))))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid filter 'colour'");
  }

  @Test
  void updatesFromTheVersionReadOnlyAndKeepsTheRegistryAuth() {
    Service web = control.create(spec("web"), "e30=");
    ServiceSpec scaled = new ServiceSpec("web", null, spec("web").taskTemplate(), ServiceMode.ofReplicated(5), null);
    Service updated = control.update("web", web.version().index(), scaled, null, null);
    assertThat(updated.spec().mode().replicated().replicas()).isEqualTo(5);
    assertThat(updated.spec().taskTemplate().containerSpec().registryAuth()).isEqualTo("e30=");
    assertThat(updated.version().index()).isGreaterThan(web.version().index());

    assertThatThrownBy(() -> control.update("web", web.version().index(), scaled, null, null))
        .isInstanceOf(ConflictException.class).hasMessageContaining("update out of sequence");
    Service again = control.update("web", updated.version().index(), scaled, "bmV3", "spec");
    assertThat(again.spec().taskTemplate().containerSpec().registryAuth()).isEqualTo("bmV3");
  }

  @Test
  void refusesRenamesModeChangesAndTinyResources() {
    Service web = control.create(spec("web"), null);
    long v = web.version().index();
    assertThatThrownBy(() -> control.update("web", v, spec("other"), null, null))
        .isInstanceOf(NotImplementedException.class).hasMessageContaining("renaming services is not supported");
    ServiceSpec global = new ServiceSpec("web", null, spec("web").taskTemplate(), ServiceMode.ofGlobal(), null);
    assertThatThrownBy(() -> control.update("web", v, global, null, null))
        .hasMessageContaining("service mode change is not allowed");
    String tiny = PLAIN.replace("\"Limits\":{}", "\"Limits\":{\"MemoryBytes\":1024}");
    assertThatThrownBy(() -> control.create(ServiceSpecReader.read(json(tiny), () -> "x"), null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("rpc error: code = InvalidArgument desc = invalid memory value 1024: Must be at least 4MiB");
    assertThatThrownBy(() -> control.create(spec("bad.name"), null))
        .hasMessageContaining("name must be valid as a DNS name component");
    String badImage = PLAIN.replace("busybox:1", "Busy Box");
    assertThatThrownBy(() -> control.create(ServiceSpecReader.read(json(badImage), () -> "x"), null))
        .hasMessage("rpc error: code = InvalidArgument desc = ContainerSpec: \"Busy Box\" is not a valid repository/tag");
  }

  @Test
  void removesByName() {
    Service web = control.create(spec("web"), null);
    assertThat(control.remove("web").id()).isEqualTo(web.id());
    assertThat(state.services()).isEmpty();
    assertThatThrownBy(() -> control.remove("web")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void anUpdateThatChangesNothingWritesNothing() {
    Service web = control.create(spec("web"), null);
    Service same = control.update("web", web.version().index(), spec("web"), null, null);
    assertThat(same.version()).isEqualTo(web.version());
    assertThat(state.service(web.id()).orElseThrow().version()).isEqualTo(web.version());
    assertThat(same.previousSpec()).isNull();
  }

  @Test
  void refusesAMalformedOrSelfDependency() {
    for (String v : List.of("db:healthy", "web")) {
      ServiceSpec s = ServiceSpecReader.read(json(PLAIN.replace("\"Labels\":{}",
          "\"Labels\":{\"io.berth.stack.depends-on\":\"" + v + "\"}")), () -> "x");
      assertThatThrownBy(() -> control.create(s, null)).as(v).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("io.berth.stack.depends-on");
    }
  }

  @Test
  void anUpdateOfTheSameImageWithoutItsPlatformsKeepsThem() {
    String pinned = PLAIN.replace("\"Placement\":{}", "\"Placement\":{\"Platforms\":[{\"Architecture\":\"amd64\",\"OS\":\"linux\"}]}");
    Service web = control.create(ServiceSpecReader.read(json(pinned), () -> "x"), null);
    // what docker stack deploy --resolve-image never sends back: the pinned image, no platforms
    Service same = control.update("web", web.version().index(), spec("web"), null, null);
    assertThat(same.version()).isEqualTo(web.version());
    Service other = control.update("web", web.version().index(), ServiceSpecReader.read(json(PLAIN.replace("busybox:1",
        "busybox:2")), () -> "x"), null, null);
    assertThat(other.spec().taskTemplate().placement().platforms()).as("another image: as sent").isEmpty();
  }
}
