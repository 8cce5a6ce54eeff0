package io.berth.build.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.ImageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dockerfile executor on an in-memory backend: what it asks of its host, in which order, and what it makes of the answers. */
class DockerfileExecutorTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir
  Path tmp;
  Path context;
  FakeBackend fake;
  DockerfileExecutor executor;
  StringBuilder progress;

  @BeforeEach
  void setUp() throws IOException {
    context = Files.createDirectories(tmp.resolve("context"));
    fake = new FakeBackend(Files.createDirectories(tmp.resolve("mounts")));
    fake.base("base:1", Map.of("/etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"));
    executor = new DockerfileExecutor(fake.backend(), tmp.resolve("scratch"), CLOCK);
  }

  @Test
  void stepsRunInOrderAndTheConfigCarriesWhatTheySet() throws IOException {
    BuildImage img = build("""
        FROM base:1
        ENV A=1
        WORKDIR /app
        RUN echo one
        USER nobody
        RUN ["echo", "two"]
        CMD ["serve"]
        LABEL org.example=yes
        """, Map.of(), null, List.of("shop:1"));

    assertThat(fake.runs).extracting(StepRunner.Step::argv)
        .containsExactly(List.of("/bin/sh", "-c", "echo one"), List.of("echo", "two"));
    StepRunner.Step first = fake.runs.getFirst();
    assertThat(first.env()).containsExactly("PATH=/bin", "A=1");
    assertThat(first.workdir()).isEqualTo("/app");
    assertThat(first.user()).isNull();
    assertThat(first.network()).isEqualTo("bridge");
    assertThat(fake.runs.get(1).user()).isEqualTo("nobody");
    assertThat(fake.runs.get(1).parent().config().config().user()).isEqualTo("nobody");

    ContainerConfig c = img.config().config();
    assertThat(c.env()).containsExactly("PATH=/bin", "A=1");
    assertThat(c.workingDir()).isEqualTo("/app");
    assertThat(c.user()).isEqualTo("nobody");
    assertThat(c.cmd()).containsExactly("serve");
    assertThat(c.labels()).containsEntry("org.example", "yes");
    assertThat(img.diffIds()).hasSize(3); // the base's layer and one per RUN
    assertThat(img.config().history()).hasSize(1 + 7)
        .extracting(ImageConfig.History::createdBy)
        .contains("/bin/sh -c #(nop)  ENV {PATH=/bin, A=1}", "/bin/sh -c echo one", "echo two");
    assertThat(img.config().created()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(fake.tagged("shop:1")).isEqualTo(img);
    assertThat(progress.toString()).contains("Step 1/8 : FROM base:1\n", "Step 8/8 : LABEL org.example=yes\n",
        " ---> " + img.id().shortHex() + "\n");
  }

  @Test
  void theTargetBuildsOnlyTheStagesItNeeds() throws IOException {
    String dockerfile = """
        FROM base:1 AS deps
        RUN echo deps
        FROM base:1 AS unused
        RUN echo unused
        FROM deps AS app
        RUN echo app
        FROM base:1
        RUN echo last
        """;
    BuildImage app = build(dockerfile, Map.of(), "app", List.of());

    assertThat(fake.runs).extracting(s -> s.argv().getLast()).containsExactly("echo deps", "echo app");
    assertThat(fake.runs.get(1).parent().diffIds()).hasSize(2); // FROM deps: on top of what deps built
    assertThat(app.diffIds()).hasSize(3);
    assertThat(progress.toString()).contains("Step 4/4 : RUN echo app").doesNotContain("unused");

    assertThatThrownBy(() -> build(dockerfile, Map.of(), "nope", List.of()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("failed to reach build target nope in Dockerfile");
  }

  @Test
  void aSecondBuildHitsTheCacheUntilAnInputChanges() throws IOException {
    assumeRoot();
    Files.writeString(context.resolve("app.txt"), "v1");
    String dockerfile = """
        FROM base:1
        ENV A=1
        COPY app.txt /app/
        RUN cat /app/app.txt
        """;
    BuildImage first = build(dockerfile, Map.of(), null, List.of());
    assertThat(fake.runs).hasSize(1);

    BuildImage again = build(dockerfile, Map.of(), null, List.of());
    assertThat(again).isEqualTo(first);
    assertThat(fake.runs).hasSize(1);
    assertThat(progress.toString().split(" ---> Using cache\n", -1)).hasSize(4); // ENV, COPY, RUN

    Files.writeString(context.resolve("app.txt"), "v2");
    BuildImage changed = build(dockerfile, Map.of(), null, List.of());
    assertThat(changed.id()).isNotEqualTo(first.id());
    assertThat(fake.runs).hasSize(2); // the COPY missed, and so does every step after it
    assertThat(progress.toString().split(" ---> Using cache\n", -1)).hasSize(2); // ENV only
    assertThat(fake.files(changed)).containsEntry("/app/app.txt", "v2");

    build(dockerfile, Map.of(), null, List.of(), true);
    assertThat(fake.runs).hasSize(3);
    assertThat(progress.toString()).doesNotContain("Using cache");
  }

  @Test
  void argsAreScopedToTheirStageAndNeverStoredInTheImage() throws IOException {
    fake.base("base:two", Map.of());
    String dockerfile = """
        ARG FLAVOUR=two
        FROM base:$FLAVOUR AS one
        ARG FLAVOUR
        ARG W=w1
        ARG E=arg
        ENV E=env
        RUN echo $W
        FROM one
        RUN echo again
        """;
    BuildImage img = build(dockerfile, Map.of(), null, List.of());

    assertThat(fake.runs.getFirst().parent().diffIds().getFirst())
        .isEqualTo(fake.tagged("base:two").diffIds().getFirst());
    assertThat(fake.runs.getFirst().env()).containsExactly("PATH=/bin", "E=env", "FLAVOUR=two", "W=w1");
    assertThat(fake.runs.get(1).env()).containsExactly("PATH=/bin", "E=env");
    assertThat(img.config().config().env()).containsExactly("PATH=/bin", "E=env");

    build(dockerfile, Map.of("W", "w2"), null, List.of());
    assertThat(fake.runs).hasSize(4); // the RUN that saw W misses, and the stage built on it
    assertThat(fake.runs.get(2).env()).contains("W=w2");
  }

  @Test
  void aMissingBaseSaysSoAndCarriesTheStoresAnswer() {
    assertThatThrownBy(() -> build("""
        ARG V=1
        FROM base:$V
        """, Map.of("V", "9"), null, List.of("x:1")))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("pull access denied for base:9: no such image: base:9")
        .cause().isInstanceOf(NotFoundException.class).hasMessage("no such image: base:9");
    assertThat(fake.tags).doesNotContainKey("x:1");
  }

  @Test
  void aFailingRunStopsTheBuildWithItsExitCodeAndTagsNothing() {
    fake.exitCodes = step -> step.argv().getLast().equals("false") ? 3 : 0;
    assertThatThrownBy(() -> build("""
        FROM base:1
        RUN true
        RUN false
        RUN echo never
        """, Map.of(), null, List.of("x:1")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("The command '/bin/sh -c false' returned a non-zero code: 3");
    assertThat(fake.runs).hasSize(2);
    assertThat(fake.tags).doesNotContainKey("x:1");
    assertThat(fake.cache).hasSize(1); // the RUN that succeeded
  }

  @Test
  void aMissingDockerfileIsNamed() {
    assertThatThrownBy(() -> executor.build(request(Map.of(), null, List.of(), false, "build/Dockerfile.app"), s -> { }))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("Cannot locate specified Dockerfile: build/Dockerfile.app");
  }

  @Test
  void copyFromAnEarlierStageAndChownByNameReadTheImagesFiles() throws IOException {
    assumeRoot();
    BuildImage img = build("""
        FROM base:1 AS builder
        RUN make
        FROM base:1
        COPY --from=builder --chown=app /ran-1 /out/made
        """, Map.of(), null, List.of());

    assertThat(fake.files(img)).containsEntry("/out/made", "/bin/sh -c make");
    assertThat(fake.owners).containsEntry("/out/made", "1000:1001"); // app's uid and primary group in the image
    assertThat(fake.openMounts).isZero();
    assertThat(img.config().history().getLast().createdBy()).isEqualTo("/bin/sh -c #(nop) COPY /ran-1 in /out/made");
    Path scratch = tmp.resolve("scratch");
    try (var left = Files.list(scratch)) {
      assertThat(left).isEmpty(); // staging directories go when the step is done
    }
  }

  @Test
  void copyFromAStageThatComesLaterIsRefused() {
    assertThatThrownBy(() -> build("""
        FROM base:1 AS a
        COPY --from=b /x /x
        FROM base:1 AS b
        """, Map.of(), "a", List.of()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("stage b is not defined before it is used");
  }

  @Test
  void onbuildTriggersRunOnceRightAfterTheChildsFrom() throws IOException {
    build("""
        FROM base:1
        ONBUILD RUN echo triggered
        """, Map.of(), null, List.of("parent:1"));
    assertThat(fake.runs).isEmpty();

    BuildImage child = build("""
        FROM parent:1
        RUN echo child
        """, Map.of(), null, List.of());
    assertThat(fake.runs).extracting(s -> s.argv().getLast()).containsExactly("echo triggered", "echo child");
    assertThat(progress.toString()).contains("# Executing ONBUILD trigger: RUN echo triggered\n");
    assertThat(child.config().config().onBuild()).isNull(); // a grandchild does not run them again
  }

  @Test
  void theNetworkARunUsesIsPartOfItsCacheKey() throws IOException {
    String dockerfile = """
        FROM base:1
        RUN echo default
        RUN --network=host echo host
        """;
    build(dockerfile, Map.of(), null, List.of());
    assertThat(fake.runs).extracting(StepRunner.Step::network).containsExactly("bridge", "host");

    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    progress = new StringBuilder();
    executor.build(new BuildRequest(context, null, Map.of(), null, false, Map.of(), List.of(), "none"),
        progress::append);
    assertThat(fake.runs).extracting(StepRunner.Step::network).containsExactly("bridge", "host", "none", "host");
  }

  @Test
  void labelsOfTheRequestGoOnTheFinalImageOnly() throws IOException {
    Files.writeString(context.resolve("Dockerfile"), """
        FROM base:1 AS first
        RUN echo first
        FROM first
        """);
    progress = new StringBuilder();
    BuildImage img = executor.build(new BuildRequest(context, null, Map.of(), null, false, Map.of("team", "shop"),
        List.of(), "bridge"), progress::append);
    assertThat(img.config().config().labels()).containsExactly(Map.entry("team", "shop"));
    assertThat(img.config().history().getLast().createdBy()).isEqualTo("/bin/sh -c #(nop)  LABEL {team=shop}");
    assertThat(fake.runs.getFirst().parent().config().config().labels()).isNull();
  }

  private BuildImage build(String dockerfile, Map<String, String> args, String target, List<String> tags)
      throws IOException {
    return build(dockerfile, args, target, tags, false);
  }

  private BuildImage build(String dockerfile, Map<String, String> args, String target, List<String> tags,
      boolean noCache) throws IOException {
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    progress = new StringBuilder();
    return executor.build(request(args, target, tags, noCache, null), progress::append);
  }

  private BuildRequest request(Map<String, String> args, String target, List<String> tags, boolean noCache,
      String dockerfile) {
    return new BuildRequest(context, dockerfile, args, target, noCache, Map.of(), tags, "bridge");
  }

  /** COPY stages files owned by root, as the image will have them: that takes root. */
  private static void assumeRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")), "COPY staging sets file owners, which needs root");
  }
}
