package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.daemon.records.RecordJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HostConfig's Binds, Mounts and Tmpfs read into typed requests, in the order they are mounted. */
class MountRequestTest {
  @Test
  void bindsThenMountsThenTmpfsWithTheirOptions() throws Exception {
    var hc = (com.fasterxml.jackson.databind.node.ObjectNode) RecordJson.MAPPER.readTree("""
        {"Tmpfs":{"/run":"size=64k, mode=1777"},
         "Mounts":[
           {"Type":"volume","Source":"data","Target":"/data","ReadOnly":true,
            "VolumeOptions":{"NoCopy":true,"Labels":{"a":"b"},"DriverConfig":{"Options":{"type":"tmpfs"}},"Subpath":"x"}},
           {"Type":"bind","Source":"/srv","Target":"/srv","BindOptions":{"Propagation":"rshared","NonRecursive":true}},
           {"Type":"tmpfs","Target":"/scratch","TmpfsOptions":{"SizeBytes":1024,"Mode":448}}],
         "Binds":["/etc:/host-etc:ro","cache:/cache"]}""");
    List<MountRequest> r = MountRequest.of(hc);
    assertThat(r).extracting(MountRequest::target)
        .containsExactly("/host-etc", "/cache", "/data", "/srv", "/scratch", "/run");
    assertThat(((MountRequest.Bind) r.get(0)).spec().readOnly()).isTrue();
    assertThat(((MountRequest.Bind) r.get(1)).spec().isVolume()).isTrue();
    assertThat(r.get(2)).isEqualTo(new MountRequest.Volume("data", "/data", true, true, Map.of("type", "tmpfs"),
        Map.of("a", "b"), "x"));
    assertThat(r.get(3)).isEqualTo(new MountRequest.HostPath("/srv", "/srv", false, "rshared", false, false));
    assertThat(r.get(4)).isEqualTo(new MountRequest.Tmpfs("/scratch",
        List.of("nosuid", "nodev", "noexec", "size=1024", "mode=700")));
    assertThat(r.get(5)).isEqualTo(new MountRequest.Tmpfs("/run",
        List.of("nosuid", "nodev", "noexec", "size=64k", "mode=1777")));
  }

  @Test
  void noneWithoutMounts() {
    assertThat(MountRequest.of(RecordJson.object())).isEmpty();
  }
}
