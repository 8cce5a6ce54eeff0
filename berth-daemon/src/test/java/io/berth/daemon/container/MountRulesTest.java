package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class MountRulesTest {
  private static ObjectNode hc(String mountsJson) throws Exception {
    ObjectNode hc = RecordJson.object();
    hc.set("Mounts", RecordJson.MAPPER.readTree(mountsJson));
    return hc;
  }

  private static void refused(String mounts, String message) throws Exception {
    ObjectNode hc = hc(mounts);
    assertThatThrownBy(() -> MountRules.validate(hc)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void goodMountsPass() throws Exception {
    assertThatCode(() -> MountRules.validate(hc("""
        [{"Type":"volume","Source":"data","Target":"/data","VolumeOptions":{"NoCopy":true,
          "DriverConfig":{"Options":{"type":"tmpfs","device":"tmpfs","o":"size=1m"}}}},
         {"Type":"volume","Target":"/anon"},
         {"Type":"bind","Source":"/tmp","Target":"/t","BindOptions":{"Propagation":"rslave"}},
         {"Type":"tmpfs","Target":"/run","TmpfsOptions":{"SizeBytes":1048576,"Mode":1023}}]
        """))).doesNotThrowAnyException();
  }

  @Test
  void badMountsAreRefusedWithDockersMessages() throws Exception {
    refused("[{\"Type\":\"nfs\",\"Target\":\"/x\"}]", "invalid mount config for type \"nfs\": mount type unknown");
    refused("[{\"Type\":\"volume\"}]", "field Target must not be empty");
    refused("[{\"Type\":\"volume\",\"Target\":\"x\"}]", "mount path must be absolute");
    refused("[{\"Type\":\"bind\",\"Target\":\"/x\"}]", "field Source must not be empty");
    refused("[{\"Type\":\"bind\",\"Source\":\"/no/such/dir\",\"Target\":\"/x\"}]", "bind source path does not exist: /no/such/dir");
    refused("[{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Target\":\"/x\",\"BindOptions\":{\"Propagation\":\"sideways\"}}]",
        "invalid propagation mode: sideways");
    refused("[{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Target\":\"/x\",\"VolumeOptions\":{}}]",
        "field VolumeOptions must not be specified");
    refused("[{\"Type\":\"tmpfs\",\"Source\":\"x\",\"Target\":\"/x\"}]", "field Source must not be specified");
    refused("[{\"Type\":\"tmpfs\",\"Target\":\"/x\",\"TmpfsOptions\":{\"Mode\":99999}}]", "invalid tmpfs mode");
    refused("[{\"Type\":\"volume\",\"Target\":\"/x\",\"ReadOnly\":true}]", "anonymous volumes");
    refused("[{\"Type\":\"volume\",\"Source\":\"vv\",\"Target\":\"/x\",\"VolumeOptions\":{\"Subpath\":\"../up\"}}]",
        "subpath must be a relative path");
    refused("[{\"Type\":\"volume\",\"Source\":\"vv\",\"Target\":\"/x\",\"VolumeOptions\":{\"DriverConfig\":"
        + "{\"Options\":{\"colour\":\"blue\"}}}}]", "invalid option: \"colour\"");
    refused("[{\"Type\":\"volume\",\"Source\":\"vv\",\"Target\":\"/x\",\"VolumeOptions\":{\"DriverConfig\":"
        + "{\"Name\":\"rexray\"}}}]", "volume driver rexray is not supported");
    refused("[{\"Type\":\"volume\",\"Source\":\"aa\",\"Target\":\"/x\"},{\"Type\":\"tmpfs\",\"Target\":\"/x/\"}]",
        "Duplicate mount point: /x");
  }

  @Test
  void bindsAndTmpfsAreCheckedToo() {
    ObjectNode hc = RecordJson.object();
    hc.putArray("Binds").add("a1:/data").add("b1:/data");
    assertThatThrownBy(() -> MountRules.validate(hc)).hasMessage("Duplicate mount point: /data");
    ObjectNode t = RecordJson.object();
    t.putObject("Tmpfs").put("/run", "size=1m,exec,colour=blue");
    assertThatThrownBy(() -> MountRules.validate(t)).hasMessageContaining("invalid tmpfs option [\"colour=blue\"]");
    ObjectNode ok = RecordJson.object();
    ok.putObject("Tmpfs").put("/run", "rw,noexec,nosuid,size=65536k,mode=1777,uid=1000");
    assertThatCode(() -> MountRules.validate(ok)).doesNotThrowAnyException();
  }
}
