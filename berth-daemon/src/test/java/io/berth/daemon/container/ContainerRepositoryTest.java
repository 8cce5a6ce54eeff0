package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.NotFoundException;
import io.berth.store.meta.FileMetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container records when the disk refuses a write (here: the bucket's directory is a file):
 * a create or rename is not visible, and a state change already made is written once it can be.
 */
class ContainerRepositoryTest {
  @TempDir Path tmp;

  private static Container container(String id, String name) {
    Container c = new Container();
    c.id = id;
    c.name = name;
    c.imageId = "sha256:" + "0".repeat(64);
    c.config = RecordJson.object();
    c.hostConfig = RecordJson.object();
    return c;
  }

  private void breakBucket() throws Exception {
    Path bucket = tmp.resolve("meta/containers");
    Files.move(bucket, tmp.resolve("saved"));
    Files.writeString(bucket, "not a directory");
  }

  private void unbreakBucket() throws Exception {
    Path bucket = tmp.resolve("meta/containers");
    Files.delete(bucket);
    Files.move(tmp.resolve("saved"), bucket);
  }

  @Test
  void aCreateOrRenameTheDiskRefusesIsNotVisibleNowNorAfterARestart() throws Exception {
    FileMetadataStore meta = new FileMetadataStore(tmp.resolve("meta"));
    ContainerRepository repo = new ContainerRepository(meta);
    Container kept = container("a".repeat(64), "kept");
    repo.add(kept);
    breakBucket();
    assertThatThrownBy(() -> repo.add(container("b".repeat(64), "half"))).hasMessageContaining("writing metadata containers/");
    assertThatThrownBy(() -> repo.get("half")).isInstanceOf(NotFoundException.class);
    assertThat(repo.nameTaken("half")).isFalse();
    assertThat(repo.all()).containsExactly(kept);
    assertThatThrownBy(() -> repo.rename(kept, "renamed")).hasMessageContaining("writing metadata containers/");
    assertThat(kept.name).isEqualTo("kept");
    assertThat(repo.get("kept")).isSameAs(kept);
    assertThat(repo.nameTaken("renamed")).isFalse();
    unbreakBucket();
    assertThat(new ContainerRepository(meta).all()).extracting(c -> c.name).containsExactly("kept");
  }

  @Test
  void aStateChangeTheDiskRefusesIsKeptAndWrittenOnceItCanBe() throws Exception {
    FileMetadataStore meta = new FileMetadataStore(tmp.resolve("meta"));
    ContainerRepository repo = new ContainerRepository(meta);
    Container c = container("c".repeat(64), "runner");
    repo.add(c);
    breakBucket();
    c.state.to(c.id, ContainerStatus.RUNNING);
    c.state.to(c.id, ContainerStatus.EXITED);
    c.state.exitCode = 3;
    repo.saveOrRetry(c); // does not throw: the exit is known and is answered
    assertThat(repo.get("runner").state.exitCode).isEqualTo(3);
    unbreakBucket();
    String onDisk = "";
    for (int i = 0; i < 300 && !onDisk.contains("\"exited\""); i++) { // retried in the background
      Thread.sleep(100);
      onDisk = new String(meta.get("containers", c.id).orElseThrow());
    }
    assertThat(new ContainerRepository(meta).get("runner").state.exitCode).isEqualTo(3);
  }
}
