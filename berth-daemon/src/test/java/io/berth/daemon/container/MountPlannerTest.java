package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.daemon.volume.VolumeStore;
import io.berth.runtime.ContainerSpec.MountSpec;
import io.berth.store.meta.FileMetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountPlannerTest {
  @TempDir Path tmp;
  private VolumeStore volumes;
  private final List<Container> containers = new ArrayList<>();
  private MountPlanner planner;
  private Path rootfs;

  @BeforeEach
  void setUp() throws Exception {
    volumes = new VolumeStore(tmp.resolve("volumes"), new FileMetadataStore(tmp.resolve("meta")));
    planner = new MountPlanner(volumes, () -> containers);
    rootfs = tmp.resolve("rootfs");
    for (String d : List.of("data", "named", "nc")) {
      Files.createDirectories(rootfs.resolve(d));
      Files.writeString(rootfs.resolve(d).resolve("from-image"), d);
    }
  }

  private Container container(String id, String hostConfig) throws Exception {
    Container c = new Container();
    c.id = id;
    c.config = RecordJson.object();
    c.config.putObject("Volumes").putObject("/data");
    c.hostConfig = (ObjectNode) RecordJson.MAPPER.readTree(hostConfig);
    containers.add(c);
    return c;
  }

  private String nameAt(Container c, String dst) {
    return c.mounts.stream().filter(m -> m.destination().equals(dst)).findFirst().orElseThrow().name();
  }

  @Test
  void volumesAreCreatedFilledFromTheImageAndAnonymousOnesKeptAcrossRestarts() throws Exception {
    Container c = container("c1", """
        {"Binds":["named:/named","/anon"],
         "Mounts":[{"Type":"volume","Source":"nc","Target":"/nc","VolumeOptions":{"NoCopy":true}},
                   {"Type":"tmpfs","Target":"/named/sub/t","TmpfsOptions":{"SizeBytes":1048576,"Mode":448}}]}
        """);
    List<MountSpec> specs = planner.plan(c, rootfs);
    assertThat(specs).extracting(MountSpec::destination).containsExactly("/named", "/anon", "/nc", "/data", "/named/sub/t");
    assertThat(specs.getLast().options()).contains("size=1048576", "mode=700");
    String anon = nameAt(c, "/anon");
    String data = nameAt(c, "/data");
    assertThat(anon).matches("[0-9a-f]{64}");
    assertThat(data).matches("[0-9a-f]{64}");
    assertThat(VolumeStore.anonymous(volumes.inspect(data))).isTrue();
    assertThat(VolumeStore.anonymous(volumes.inspect("named"))).isFalse();
    assertThat(volumes.dataDir(data).resolve("from-image")).hasContent("data");
    assertThat(volumes.dataDir("named").resolve("from-image")).hasContent("named");
    assertThat(volumes.isEmpty("nc")).isTrue();
    assertThat(MountPlanner.volumeNames(c)).contains("named", "nc", anon, data);

    // a restart reuses the anonymous volumes and never fills an emptied volume again
    Files.delete(volumes.dataDir(data).resolve("from-image"));
    planner.release(c);
    planner.plan(c, rootfs);
    assertThat(nameAt(c, "/data")).isEqualTo(data);
    assertThat(nameAt(c, "/anon")).isEqualTo(anon);
    assertThat(volumes.isEmpty(data)).isTrue();
    // while a container holds them, prune leaves them alone
    assertThat(volumes.prune(v -> true, n -> List.of()).removed()).isEmpty();
  }

  @Test
  void aCreatedContainerNamesItsVolumesBeforeItRuns() throws Exception {
    Container c = container("c2", "{\"Binds\":[\"held:/x\",\"/host:/h\"],\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"m2\",\"Target\":\"/m\"}]}");
    assertThat(MountPlanner.volumeNames(c)).containsExactly("held", "m2");
  }

  @Test
  void volumesWithDriverOptionsAreUnmountedWhenTheLastRunningUserStops() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
    volumes.create("shm", Map.of(), Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m"), false);
    Container a = container("a", "{\"Binds\":[\"shm:/shm\"]}");
    Container b = container("b", "{\"Binds\":[\"shm:/shm\"]}");
    Path mp = volumes.dataDir("shm");
    try {
      planner.plan(a, rootfs);
      planner.plan(b, rootfs);
      assertThat(mounted(mp)).isTrue();
      planner.release(a);
      assertThat(mounted(mp)).as("b still holds it").isTrue();
      // after a daemon restart nothing is held in memory: running containers still count
      b.state.to(b.id, ContainerStatus.RUNNING);
      VolumeStore fresh = new VolumeStore(tmp.resolve("volumes"), new FileMetadataStore(tmp.resolve("meta")));
      MountPlanner restarted = new MountPlanner(fresh, () -> containers);
      a.state.to(a.id, ContainerStatus.RUNNING);
      a.state.to(a.id, ContainerStatus.EXITED);
      restarted.release(a);
      assertThat(mounted(mp)).isTrue();
      b.state.to(b.id, ContainerStatus.EXITED);
      restarted.release(b);
      assertThat(mounted(mp)).isFalse();
    } finally {
      volumes.unmount("shm");
    }
  }

  private static boolean mounted(Path p) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(p.toString()));
  }
}
