package io.berth.build.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.build.context.DockerIgnore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyPlannerTest {
  @TempDir Path context;

  @Test
  void destinationsAreJoinedToTheWorkdirAndCleaned() {
    assertThat(CopyDestination.of("/app", ".")).isEqualTo(new CopyDestination("/app", true));
    assertThat(CopyDestination.of("/app", "./")).isEqualTo(new CopyDestination("/app", true));
    assertThat(CopyDestination.of("/app", "./src/")).isEqualTo(new CopyDestination("/app/src", true));
    assertThat(CopyDestination.of("/app", "./app.jar")).isEqualTo(new CopyDestination("/app/app.jar", false));
    assertThat(CopyDestination.of("/app", "..")).isEqualTo(new CopyDestination("/", true));
    assertThat(CopyDestination.of("/app/lib", "../bin/x")).isEqualTo(new CopyDestination("/app/bin/x", false));
    assertThat(CopyDestination.of(null, "x")).isEqualTo(new CopyDestination("/x", false));
    assertThat(CopyDestination.of("/app", "/opt//data/./")).isEqualTo(new CopyDestination("/opt/data", true));
    assertThat(CopyDestination.of("/app", "/../..")).isEqualTo(new CopyDestination("/", true));
    assertThat(CopyDestination.of("/app", ".").spelled()).isEqualTo("/app/");
    assertThat(CopyDestination.of("/", ".").spelled()).isEqualTo("/");
  }

  @Test
  void theFormsUsersWriteMostLandWhereDockerPutsThem() throws IOException {
    Files.writeString(context.resolve("app.jar"), "jar");
    Files.createDirectories(context.resolve("src/main"));
    Files.writeString(context.resolve("src/main/A.java"), "class A {}");
    Predicate<String> none = p -> false;

    // COPY app.jar ./ under WORKDIR /app
    assertThat(targets(plan(List.of("app.jar"), "/app", "./", none))).containsExactly("/app/app.jar");
    // COPY app.jar .
    assertThat(targets(plan(List.of("app.jar"), "/app", ".", none))).containsExactly("/app/app.jar");
    // COPY src/ ./src/
    assertThat(targets(plan(List.of("src/"), "/app", "./src/", none)))
        .containsExactly("/app/src", "/app/src/main", "/app/src/main/A.java");
    // COPY . .
    assertThat(targets(plan(List.of("."), "/app", ".", none)))
        .containsExactly("/app", "/app/app.jar", "/app/src", "/app/src/main", "/app/src/main/A.java");
    // COPY app.jar app.jar: a file named as the destination says
    assertThat(targets(plan(List.of("app.jar"), "/app", "renamed.jar", none))).containsExactly("/app/renamed.jar");
  }

  @Test
  void aFileCopiedOntoAnExistingImageDirectoryGoesInsideIt() throws IOException {
    Files.writeString(context.resolve("app.jar"), "jar");
    List<String> asked = new java.util.ArrayList<>();
    Predicate<String> imageHasOpt = p -> {
      asked.add(p);
      return p.equals("/opt");
    };
    assertThat(targets(plan(List.of("app.jar"), "/", "/opt", imageHasOpt))).containsExactly("/opt/app.jar");
    assertThat(targets(plan(List.of("app.jar"), "/", "/srv", imageHasOpt))).containsExactly("/srv");
    // a destination spelled as a directory needs no look-up in the image
    plan(List.of("app.jar"), "/", "/data/", imageHasOpt);
    assertThat(asked).containsExactly("/opt", "/srv");
  }

  private List<CopyPlanner.Item> plan(List<String> sources, String workdir, String dest, Predicate<String> imageDir) {
    return CopyPlanner.plan(context, sources, CopyDestination.of(workdir, dest).spelled(), DockerIgnore.none(), imageDir);
  }

  private static List<String> targets(List<CopyPlanner.Item> items) {
    return items.stream().map(CopyPlanner.Item::target).toList();
  }
}
