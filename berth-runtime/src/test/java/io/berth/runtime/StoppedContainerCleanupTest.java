package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What runc delete does for a stopped container, over directories that stand in for cgroups. */
class StoppedContainerCleanupTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path tmp;

  private Path state(long pid, String start, Path... cgroups) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("runc/c1"));
    var s = MAPPER.createObjectNode().put("id", "c1").put("init_process_pid", pid).put("init_process_start", start);
    var paths = s.putObject("cgroup_paths");
    for (int i = 0; i < cgroups.length; i++) {
      paths.put(i == 0 ? "" : "c" + i, cgroups[i].toString());
    }
    Files.write(dir.resolve("state.json"), MAPPER.writeValueAsBytes(s));
    return dir;
  }

  @Test
  void theCgroupsAndTheStateDirectoryGo() throws Exception {
    Path memory = Files.createDirectories(tmp.resolve("memory/parent/c1/nested"));
    Path pids = Files.createDirectories(tmp.resolve("pids/parent/c1"));
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path dir = state(gone.pid(), "1", memory.getParent(), pids, tmp.resolve("cpu/parent/c1"));
    assertThat(StoppedContainerCleanup.remove(dir, MAPPER)).isTrue();
    assertThat(memory.getParent()).doesNotExist();
    assertThat(pids).doesNotExist();
    assertThat(tmp.resolve("memory/parent")).exists(); // the parent is the daemon's, not the container's
    assertThat(dir).doesNotExist();
  }

  @Test
  void aProcessStillThereIsLeftToRuncDeleteForce() throws Exception {
    long self = ProcessHandle.current().pid();
    String stat = Files.readString(Path.of("/proc", Long.toString(self), "stat"));
    String start = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
    Path cg = Files.createDirectories(tmp.resolve("memory/c1"));
    Path dir = state(self, start, cg);
    assertThat(StoppedContainerCleanup.remove(dir, MAPPER)).isFalse();
    assertThat(cg).exists();
    assertThat(dir.resolve("state.json")).exists();
  }

  @Test
  void noStateIsLeftToRunc() {
    assertThat(StoppedContainerCleanup.remove(tmp.resolve("runc/none"), MAPPER)).isFalse();
  }
}
