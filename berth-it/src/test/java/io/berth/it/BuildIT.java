package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dockerfile builds through berthd with the real docker CLI's classic builder
 * ({@code DOCKER_BUILDKIT=0}) and with {@code berth build}: a multi-stage file using most
 * instructions, the cache (all hits on an unchanged context, a rebuild from the COPY that
 * includes a changed file), and the errors a user must be able to act on, with nothing tagged.
 */
class BuildIT {
  private static final Path DIR = Path.of("/tmp/berth-it-build");

  @BeforeAll
  static void context() throws Exception {
    TestDaemon.ensure();
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR + "/ctx/src " + DIR + "/ctx/sub");
    Path ctx = DIR.resolve("ctx");
    Files.writeString(ctx.resolve("src/app.txt"), "app v1\n");
    Files.writeString(ctx.resolve("src/notes.md"), "notes\n");
    Files.writeString(ctx.resolve("secret.key"), "do not ship\n");
    Files.writeString(ctx.resolve(".dockerignore"), "secret.key\n*.md\n**/*.md\n");
    Exec.sh("cd " + ctx + "/sub && mkdir t && echo from-tar > t/in-tar.txt && tar -cf bundle.tar t && rm -r t");
    Files.writeString(ctx.resolve("Dockerfile"), """
        # syntax is Docker's; the base is the suite's busybox image
        ARG BASE=%s
        FROM ${BASE} AS build
        ARG GREETING=hi
        ENV APP_HOME=/opt/app \\
            MODE=build
        WORKDIR $APP_HOME
        COPY src/ ./
        ADD sub/bundle.tar /opt/
        RUN echo "$GREETING from RUN" > greeting.txt && echo "run output line" && rm /bin/true
        RUN <<EOF
        echo heredoc > heredoc.txt
        EOF

        FROM ${BASE}
        LABEL org.example.team=payments
        COPY --from=build --chmod=0640 /opt/app /srv/
        COPY --from=build /opt/t/in-tar.txt /srv/
        EXPOSE 8080/tcp
        VOLUME /data
        USER 1000:1000
        STOPSIGNAL SIGINT
        HEALTHCHECK --interval=5s --retries=2 CMD ["true"]
        WORKDIR /srv
        ENTRYPOINT ["sh", "-c"]
        CMD ["cat /srv/greeting.txt /srv/app.txt /srv/in-tar.txt /srv/heredoc.txt; ls /srv; ls /bin/true"]
        """.formatted(IMAGE));
  }

  private static Exec.Result dockerBuild(String... args) {
    Map<String, String> env = new HashMap<>(TestDaemon.env());
    env.put("DOCKER_BUILDKIT", "0");
    return Exec.run(env, null, 300, Exec.list("/usr/local/bin/docker", args));
  }

  @Test
  void multiStageBuildRunsAndTheCacheWorks() throws Exception {
    Path ctx = DIR.resolve("ctx");
    Exec.Result r = dockerBuild("build", "-t", "it/built:1", "--build-arg", "GREETING=hey", ctx.toString());
    check(r, "docker build");
    assertThat(r.out()).contains("Step 1/").contains("run output line").contains("Successfully tagged it/built:1");
    Exec.Result run = berth("run", "--rm", "-u", "0", "it/built:1");
    assertThat(run.out()).contains("hey from RUN").contains("app v1").contains("from-tar").contains("heredoc");
    assertThat(run.out()).doesNotContain("notes.md").doesNotContain("secret.key");
    String cfg = berth("image", "inspect", "--format", "{{.Config.User}}|{{json .Config.ExposedPorts}}|"
        + "{{json .Config.Volumes}}|{{.Config.StopSignal}}|{{.Config.WorkingDir}}|{{json .Config.Labels}}|"
        + "{{json .Config.Healthcheck}}|{{json .Config.Entrypoint}}", "it/built:1").out();
    assertThat(cfg).contains("1000:1000|{\"8080/tcp\":{}}|{\"/data\":{}}|SIGINT|/srv|{\"org.example.team\":\"payments\"}")
        .contains("\"Interval\":5000000000").contains("\"Retries\":2").contains("[\"sh\",\"-c\"]");
    assertThat(berth("run", "--rm", "-u", "0", "--entrypoint", "stat", "it/built:1", "-c", "%a", "/srv/app.txt").out())
        .isEqualTo("640\n");
    String id = berth("image", "inspect", "--format", "{{.Id}}", "it/built:1").out().trim();

    // unchanged context: every step from the cache, the same image
    r = dockerBuild("build", "-t", "it/built:2", "--build-arg", "GREETING=hey", ctx.toString());
    check(r, "second build");
    assertThat(r.out()).contains("Using cache").doesNotContain("Running in");
    assertThat(berth("image", "inspect", "--format", "{{.Id}}", "it/built:2").out().trim()).isEqualTo(id);

    // one changed file: the build stage reruns from its COPY, the steps before stay cached
    Files.writeString(ctx.resolve("src/app.txt"), "app v2\n");
    r = berth("build", "-t", "it/built:3", "--build-arg", "GREETING=hey", ctx.toString());
    check(r, "berth build after a change");
    String out = r.out();
    int copy = out.indexOf("COPY src/ ./");
    assertThat(out.substring(0, copy)).contains("Using cache");
    assertThat(out.substring(copy)).contains("Running in");
    assertThat(berth("run", "--rm", "-u", "0", "it/built:3").out()).contains("app v2");
    // intermediate images stay out of `images` but are there with -a
    assertThat(berth("images", "--format", "{{.Repository}}").out()).doesNotContain("<none>");
    assertThat(berth("images", "-a", "--format", "{{.Repository}}").out()).contains("<none>");
    check(berth("rmi", "it/built:1", "it/built:2", "it/built:3"), "rmi");
  }

  @Test
  void targetStopsAtTheNamedStage() {
    Exec.Result r = dockerBuild("build", "--target", "build", "-t", "it/stage:1", DIR.resolve("ctx").toString());
    check(r, "build --target");
    assertThat(r.out()).doesNotContain("LABEL org.example.team");
    assertThat(berth("run", "--rm", "it/stage:1", "cat", "/opt/app/greeting.txt").out()).isEqualTo("hi from RUN\n");
    // the RUN's deletion travels in its layer as a whiteout
    assertThat(berth("run", "--rm", "it/stage:1", "ls", "/bin/true").all()).contains("No such file or directory");
    check(berth("rmi", "it/stage:1"), "rmi");
  }

  @Test
  void addOfAUrlDownloadsTheFileChecksItAndNeverUnpacksIt() throws Exception {
    byte[] hello = "hello over http\n".getBytes();
    byte[] tar = Files.readAllBytes(DIR.resolve("ctx/sub/bundle.tar"));
    com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/files/", x -> {
      byte[] body = x.getRequestURI().getPath().endsWith(".tar") ? tar : hello;
      x.sendResponseHeaders(x.getRequestURI().getPath().contains("missing") ? 404 : 200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    web.start();
    String base = "http://127.0.0.1:" + web.getAddress().getPort() + "/files/";
    String sum = "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(hello));
    try {
      Exec.Result r = buildText("addurl", "FROM " + IMAGE + "\nADD " + base + "hello.txt /downloads/\n"
          + "ADD " + base + "hello.txt /renamed.txt\nADD " + base + "bundle.tar /remote/\n"
          + "ADD --checksum=" + sum + " " + base + "hello.txt /checked.txt\n");
      check(r, "build with ADD of URLs");
      assertThat(berth("run", "--rm", "it/bad-addurl:1", "sh", "-c",
          "cat /downloads/hello.txt /renamed.txt /checked.txt; stat -c %a /renamed.txt; ls /remote").out())
          .isEqualTo("hello over http\nhello over http\nhello over http\n600\nbundle.tar\n");
      r = buildText("addsum", "FROM " + IMAGE + "\nADD --checksum=sha256:" + "0".repeat(64) + " " + base + "hello.txt /x\n");
      assertThat(r.exit()).isNotZero();
      assertThat(r.all()).contains("digest mismatch").contains(sum);
      r = buildText("add404", "FROM " + IMAGE + "\nADD " + base + "missing.txt /x\n");
      assertThat(r.all()).contains("answered 404");
      r = buildText("copyurl", "FROM " + IMAGE + "\nCOPY " + base + "hello.txt /x\n");
      assertThat(r.all()).contains("COPY cannot copy from a URL");
      check(berth("rmi", "it/bad-addurl:1"), "rmi");
    } finally {
      web.stop(0);
    }
  }

  @Test
  void escapeDirectiveShellPlatformAndCopyFromAnImage() throws Exception {
    Exec.Result r = buildText("misc", """
        # escape=`
        FROM --platform=linux/amd64 %s AS base
        ARG FLAVOR=x
        ENV B=${FLAVOR:+set} C=${MISSING:-dflt}
        SHELL ["/bin/env", "MARK=via-shell", "/bin/sh", "-c"]
        RUN echo "b=$B c=$C $MARK" > /info.txt && `
            echo continued >> /info.txt
        HEALTHCHECK --interval=3s CMD true
        FROM base
        HEALTHCHECK NONE
        COPY --from=%s /bin/busybox /copied-busybox
        """.formatted(IMAGE, IMAGE));
    check(r, "build");
    assertThat(berth("run", "--rm", "it/bad-misc:1", "sh", "-c", "cat /info.txt; test -x /copied-busybox && echo copied").out())
        .as("RUN used the SHELL, which sets MARK").isEqualTo("b=set c=dflt via-shell\ncontinued\ncopied\n");
    assertThat(berth("image", "inspect", "-f", "{{json .Config.Shell}} {{json .Config.Healthcheck.Test}}", "it/bad-misc:1")
        .out().trim()).isEqualTo("[\"/bin/env\",\"MARK=via-shell\",\"/bin/sh\",\"-c\"] [\"NONE\"]");
    // a child build inherits the SHELL, as in Docker
    r = buildText("misc-child", "FROM it/bad-misc:1\nRUN echo \"child $MARK\" > /child.txt\n");
    check(r, "child build");
    assertThat(berth("run", "--rm", "it/bad-misc-child:1", "cat", "/child.txt").out()).isEqualTo("child via-shell\n");
    r = buildText("platform", "FROM --platform=linux/arm64 " + IMAGE + "\n");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("linux/arm64");
    check(berth("rmi", "it/bad-misc-child:1", "it/bad-misc:1"), "rmi");
  }

  @Test
  void anotherDockerfileLabelsGlobsAndNoCache() throws Exception {
    Path ctx = DIR.resolve("flags");
    Files.createDirectories(ctx.resolve("sub"));
    for (String f : List.of("a.txt", "b.txt", "c.md", "sub/d.txt")) {
      Files.writeString(ctx.resolve(f), f + "\n");
    }
    Files.writeString(ctx.resolve("other.Dockerfile"), "FROM " + IMAGE + "\nCOPY *.txt /g/\nCOPY sub/*.txt /g/sub/\n"
        + "RUN ls /g /g/sub > /listing\n");
    check(dockerBuild("build", "-f", ctx.resolve("other.Dockerfile").toString(), "--label", "team=pay", "-t", "it/flags:1",
        ctx.toString()), "build -f --label");
    assertThat(berth("run", "--rm", "it/flags:1", "cat", "/listing").out()).isEqualTo("/g:\na.txt\nb.txt\nsub\n\n/g/sub:\nd.txt\n");
    assertThat(berth("image", "inspect", "-f", "{{.Config.Labels.team}}", "it/flags:1").out().trim()).isEqualTo("pay");
    Exec.Result again = dockerBuild("build", "--no-cache", "-f", ctx.resolve("other.Dockerfile").toString(), "-t", "it/flags:1",
        ctx.toString());
    check(again, "build --no-cache");
    assertThat(again.out()).doesNotContain("Using cache").contains("Running in");
    check(berth("rmi", "it/flags:1"), "rmi");
  }

  @Test
  void runNetworkModesComeFromTheStepOrTheBuild() throws Exception {
    Exec.Result r = buildText("netmodes", "FROM " + IMAGE + "\nRUN cat /proc/net/dev > /default.txt\n"
        + "RUN --network=none cat /proc/net/dev > /none.txt\n");
    check(r, "build with RUN --network");
    String out = berth("run", "--rm", "it/bad-netmodes:1", "sh", "-c", "grep -c eth0 /default.txt; grep -c eth0 /none.txt").out();
    assertThat(out).isEqualTo("1\n0\n");
    // docker build --network none is every RUN's default
    Path ctx = DIR.resolve("netmodes");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN cat /proc/net/dev > /all.txt\n");
    check(dockerBuild("build", "--network", "none", "-t", "it/netnone:1", ctx.toString()), "build --network none");
    assertThat(berth("run", "--rm", "it/netnone:1", "grep", "-c", "eth0", "/all.txt").out()).isEqualTo("0\n");
    r = buildText("mount", "FROM " + IMAGE + "\nRUN --mount=type=cache,target=/c true\n");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("Dockerfile:2").contains("the --mount option requires BuildKit");
    check(berth("rmi", "it/bad-netmodes:1", "it/netnone:1"), "rmi");
  }

  @Test
  void onbuildTriggersRunInChildBuildsAndChownTakesNames() throws Exception {
    Path base = DIR.resolve("onbuild-base");
    Files.createDirectories(base);
    Files.writeString(base.resolve("Dockerfile"), "FROM " + IMAGE + "\nONBUILD COPY trigger.txt /from-trigger.txt\n"
        + "ONBUILD RUN echo triggered > /trig\n");
    check(dockerBuild("build", "-t", "it/onbuild-base:1", base.toString()), "parent build");
    Path child = DIR.resolve("onbuild-child");
    Files.createDirectories(child);
    Files.writeString(child.resolve("trigger.txt"), "copied by the trigger\n");
    Files.writeString(child.resolve("owned.txt"), "owned\n");
    Files.writeString(child.resolve("Dockerfile"), "FROM it/onbuild-base:1\nCOPY --chown=nobody:nogroup owned.txt /owned.txt\n");
    Exec.Result r = dockerBuild("build", "-t", "it/onbuild-child:1", child.toString());
    check(r, "child build");
    assertThat(r.out()).contains("Executing ONBUILD trigger");
    assertThat(berth("run", "--rm", "it/onbuild-child:1", "sh", "-c",
        "cat /from-trigger.txt /trig; stat -c %u:%g /owned.txt").out())
        .isEqualTo("copied by the trigger\ntriggered\n65534:65534\n");
    // triggers fire once: the child's own image carries none
    assertThat(berth("image", "inspect", "--format", "{{json .Config.OnBuild}}", "it/onbuild-child:1").out().trim())
        .isIn("", "null", "[]");
    r = buildText("badowner", "FROM " + IMAGE + "\nCOPY --chown=nosuchuser Dockerfile /x\n");
    assertThat(r.all()).contains("no such user");
    check(berth("rmi", "it/onbuild-child:1", "it/onbuild-base:1"), "rmi");
  }

  private Exec.Result buildText(String name, String dockerfile) throws Exception {
    Path ctx = DIR.resolve(name);
    Files.createDirectories(ctx);
    Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
    return dockerBuild("build", "-t", "it/bad-" + name + ":1", ctx.toString());
  }

  @Test
  void errorsNameTheProblemAndNothingIsTagged() throws Exception {
    Exec.Result r = buildText("syntax", "FROM " + IMAGE + "\nRUN true\nFROBNICATE now\n");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("Dockerfile:3").contains("unknown instruction: FROBNICATE");
    r = buildText("escape", "FROM " + IMAGE + "\nCOPY ../outside /x\n");
    assertThat(r.all()).contains("outside the build context");
    r = buildText("nostage", "FROM " + IMAGE + " AS a\nCOPY --from=missing /x /y\n");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).containsAnyOf("missing", "No such image");
    r = buildText("runfails", "FROM " + IMAGE + "\nRUN echo about to fail && exit 3\n");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("about to fail")
        .contains("The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3");
    r = dockerBuild("build", "--target", "nope", DIR.resolve("ctx").toString());
    assertThat(r.all()).contains("failed to reach build target nope");
    for (String n : List.of("syntax", "escape", "nostage", "runfails")) {
      assertThat(berth("images", "-q", "it/bad-" + n + ":1").out()).isEmpty();
    }
    assertThat(berth("ps", "-aq").out()).isEmpty(); // no intermediate container left
  }

  @Test
  void theCopyFormsUsersWriteMostWorkUnderAWorkdir() throws Exception {
    // each of these ended the build with the bare message "staging COPY"
    Path ctx = DIR.resolve("forms");
    Exec.sh("rm -rf " + ctx + " && mkdir -p " + ctx + "/src/main");
    Files.writeString(ctx.resolve("app.jar"), "jar\n");
    Files.writeString(ctx.resolve("src/main/A.java"), "class A {}\n");
    Files.writeString(ctx.resolve("Dockerfile"), """
        FROM %s AS build
        RUN mkdir -p /out && echo built > /out/app
        FROM %s
        WORKDIR /app
        COPY app.jar ./
        COPY src/ ./src/
        COPY . .
        COPY --from=build /out/app ./
        COPY app.jar ./lib/
        COPY app.jar /etc
        COPY app.jar renamed.jar
        CMD find /app /etc/app.jar | sort
        """.formatted(IMAGE, IMAGE));
    check(dockerBuild("build", "-t", "it/forms:1", ctx.toString()), "docker build of the common COPY forms");
    // COPY app.jar /etc: /etc is a directory of the image, so the file goes inside it, as in Docker
    assertThat(berth("run", "--rm", "it/forms:1").out()).isEqualTo("""
        /app
        /app/Dockerfile
        /app/app
        /app/app.jar
        /app/lib
        /app/lib/app.jar
        /app/renamed.jar
        /app/src
        /app/src/main
        /app/src/main/A.java
        /etc/app.jar
        """);

    // a failure names the path and the reason, never a bare label
    Exec.sh("mkdir -p " + ctx + "/x " + ctx + "/y/app.jar && echo a > " + ctx + "/x/app.jar && echo b > " + ctx
        + "/y/app.jar/inner");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nCOPY x/app.jar y/ /d/\n");
    Exec.Result r = dockerBuild("build", "-t", "it/forms-bad:1", ctx.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("COPY failed: writing /d/app.jar").contains("file exists");
    assertThat(berth("images", "-q", "it/forms-bad:1").out()).isEmpty();
  }
}
