package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** berthd refuses bad configurations at start with one clear line, before touching anything. */
class DaemonStartupIT {
  private static final Path DIR = Path.of("/tmp/berth-it-startup");

  private static List<String> daemon(String... extra) {
    List<String> cmd = new ArrayList<>(List.of(Exec.repoRoot().resolve("bin/berthd").toString(),
        "-H", "unix://" + DIR + "/s.sock", "--data-root", DIR + "/data", "--exec-root", DIR + "/exec",
        "--bridge", "bit2", "--nft-table", "berth_it2", "--cgroup-parent", "berth-it2"));
    if (!List.of(extra).contains("--bip")) {
      cmd.addAll(List.of("--bip", "10.89.2.1/24"));
    }
    cmd.addAll(List.of(extra));
    return cmd;
  }

  @Test
  void unknownDaemonJsonKeysAreRefused() throws Exception {
    Files.createDirectories(DIR);
    Path cfg = DIR.resolve("daemon.json");
    Files.writeString(cfg, "{\"data-rot\": \"/x\"}");
    Exec.Result r = Exec.run(Map.of(), null, 60, daemon("--config-file", cfg.toString()));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("don't match any configuration option: data-rot");
    Files.writeString(cfg, "{not json");
    r = Exec.run(Map.of(), null, 60, daemon("--config-file", cfg.toString()));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("unable to configure the daemon with file " + cfg);
  }

  @Test
  void badBridgeAddressIsRefused() {
    Exec.Result r = Exec.run(Map.of(), null, 60, daemon("--config-file", "/nonexistent", "--bip", "10.89.2.1"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("invalid --bip 10.89.2.1");
  }

  @Test
  void missingRuncIsNamed() throws Exception {
    // a PATH with the shell tools the launcher needs but no runc
    Path bin = DIR.resolve("bin");
    Files.createDirectories(bin);
    for (String tool : List.of("readlink", "dirname", "sed", "head", "bash", "env")) {
      Path link = bin.resolve(tool);
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of(Exec.sh("command -v " + tool).out().trim()));
    }
    Exec.Result r = Exec.run(Map.of("PATH", bin.toString()), null, 60,
        daemon("--config-file", "/nonexistent"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("runc not found: install the runc package");
  }
}
