package io.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MountFlagTest {
  @Test
  void volumeWithDriverOptionsLabelsAndNocopy() {
    assertThat(MountFlag.parse("type=volume,src=data,dst=/data,volume-opt=type=tmpfs,volume-opt=device=tmpfs,"
        + "\"volume-opt=o=size=64m,uid=1000\",volume-label=team=red,volume-nocopy,ro").toString())
        .isEqualTo("{\"Type\":\"volume\",\"Source\":\"data\",\"Target\":\"/data\",\"VolumeOptions\":{\"DriverConfig\":"
            + "{\"Options\":{\"type\":\"tmpfs\",\"device\":\"tmpfs\",\"o\":\"size=64m,uid=1000\"}},"
            + "\"Labels\":{\"team\":\"red\"},\"NoCopy\":true},\"ReadOnly\":true}");
  }

  @Test
  void typeDefaultsToVolumeAndKeysAreCaseInsensitive() {
    assertThat(MountFlag.parse("Target=/x").toString()).isEqualTo("{\"Type\":\"volume\",\"Target\":\"/x\"}");
    assertThat(MountFlag.parse("destination=/x,readonly=false").path("ReadOnly").asBoolean()).isFalse();
    assertThat(MountFlag.parse("type=volume,target=/x,volume-nocopy=true,volume-subpath=sub").toString())
        .contains("\"NoCopy\":true").contains("\"Subpath\":\"sub\"");
  }

  @Test
  void bindAndTmpfsOptions() {
    assertThat(MountFlag.parse("type=bind,source=/srv,target=/srv,bind-propagation=rshared,bind-nonrecursive").toString())
        .isEqualTo("{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/srv\",\"BindOptions\":"
            + "{\"Propagation\":\"rshared\",\"NonRecursive\":true}}");
    assertThat(MountFlag.parse("type=tmpfs,dst=/run,tmpfs-size=64m,tmpfs-mode=1770").toString())
        .isEqualTo("{\"Type\":\"tmpfs\",\"Target\":\"/run\",\"TmpfsOptions\":{\"SizeBytes\":67108864,\"Mode\":1016}}");
    assertThat(MountFlag.parse("type=bind,src=.,dst=/w").path("Source").asText()).startsWith("/");
  }

  @Test
  void badInputSaysWhichField() {
    refused("type=volume,target=/x,colour=blue", "unexpected key 'colour' in 'colour=blue'");
    refused("type=volume,target=/x,bogus", "invalid field 'bogus' must be a key=value pair");
    refused("type=volume,source=data", "target is required");
    refused("type=,target=/x", "type is required");
    refused("type=bind,src=/a,target=/x,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'");
    refused("type=volume,target=/x,bind-propagation=shared", "cannot mix 'bind-*' options with mount type 'volume'");
    refused("type=bind,src=/a,target=/x,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'bind'");
    refused("type=tmpfs,target=/x,tmpfs-size=lots", "invalid value for tmpfs-size: lots");
    refused("type=tmpfs,target=/x,tmpfs-mode=999", "invalid value for tmpfs-mode: 999");
    refused("type=volume,target=/x,ro=maybe", "invalid value for ro: maybe");
    refused("type=volume,target=/x,\"volume-opt=o=a", "unterminated quote");
  }

  private static void refused(String spec, String message) {
    assertThatThrownBy(() -> MountFlag.parse(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid argument \"" + spec + "\" for \"--mount\" flag: ")
        .hasMessageContaining(message);
  }
}
