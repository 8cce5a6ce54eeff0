package io.berth.it;

import static io.berth.it.DrillLab.await;
import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static io.berth.it.TestDaemon.dockerIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Swarm secrets and configs on a single-node swarm of the test daemon, through the stock docker
 * CLI and the berth CLI: create from stdin and from a file with labels, Docker's tables, filters,
 * inspect (a secret's data never shown, a config's shown), Docker's refusals; a service gets
 * them as files on a tmpfs at {@code /run/secrets/<target>} and at the config's target with the
 * owner, group and mode asked for; neither can be removed while the service uses it; a rotation
 * with {@code --secret-rm/--secret-add}; the files go with the containers; the daemon's disk never
 * holds the secret's plaintext; {@code docker events} tells of creates and removals; a killed and
 * restarted daemon keeps the files of running tasks in memory and opens secrets again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmSecretsIT {
  private static final int SLOT_NUMBER = TestDaemon.SLOT.isEmpty() ? 0 : Integer.parseInt(TestDaemon.SLOT.substring(2));
  private static final String LISTEN = "127.0.0.1:" + (26140 + 2 * SLOT_NUMBER);
  private static final Path DIR = Path.of("/tmp/berth-it-secrets" + TestDaemon.SLOT);
  private static final String PLAIN = "hunter2-" + Long.toHexString(System.nanoTime());
  private static final String ROTATED = "rotated-" + Long.toHexString(System.nanoTime());
  private static final String CONFIG = "listen=8080\n";

  @BeforeAll
  static void swarm() throws Exception {
    TestDaemon.ensure();
    docker("swarm", "leave", "--force"); // a swarm left by an earlier run that died
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR);
    check(docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", LISTEN), "swarm init");
  }

  @AfterAll
  static void leave() {
    docker("service", "rm", "sec-web");
    docker("swarm", "leave", "--force");
  }

  @Test
  @Order(1)
  void createListInspectAndDockersRefusals() throws Exception {
    String since = docker("system", "info", "--format", "{{.SystemTime}}").out().strip();
    Exec.Result created = dockerIn(PLAIN.getBytes(StandardCharsets.UTF_8), "secret", "create", "--label", "env=it",
        "db_password", "-");
    check(created, "secret create from stdin");
    String id = created.out().strip();
    assertThat(id).matches("[a-z0-9]{25}");
    Files.writeString(DIR.resolve("app.conf"), CONFIG);
    check(docker("config", "create", "-l", "env=it", "app.conf", DIR.resolve("app.conf").toString()),
        "config create from a file");

    String table = docker("secret", "ls").out();
    assertThat(table.lines().findFirst().orElseThrow()).matches("ID +NAME +DRIVER +CREATED +UPDATED");
    assertThat(table).contains(id + "   db_password").contains("ago");
    assertThat(docker("secret", "ls", "--filter", "label=env=it", "--format", "{{.Name}}").out()).isEqualTo("db_password\n");
    assertThat(docker("secret", "ls", "--filter", "name=db_", "-q").out().strip()).isEqualTo(id);
    assertThat(docker("secret", "ls", "--filter", "label=env=prod", "-q").out()).isEmpty();
    assertThat(docker("config", "ls", "--format", "{{.Name}}").out()).isEqualTo("app.conf\n");

    // a secret's data is never shown; a config's is
    String inspected = docker("secret", "inspect", "db_password").out();
    assertThat(inspected).contains("\"Name\": \"db_password\"").contains("\"env\": \"it\"").doesNotContain("\"Data\"")
        .doesNotContain(PLAIN).doesNotContain(b64(PLAIN));
    assertThat(docker("config", "inspect", "--format", "{{printf \"%s\" .Spec.Data}}", "app.conf").out())
        .isEqualTo(CONFIG + "\n");

    Exec.Result dup = dockerIn("x".getBytes(StandardCharsets.UTF_8), "secret", "create", "db_password", "-");
    assertThat(dup.exit()).isNotZero();
    assertThat(dup.err()).contains("rpc error: code = AlreadyExists desc = secret db_password already exists");
    assertThat(Exec.sh("curl -s -o /dev/null -w '%{http_code}' --unix-socket " + TestDaemon.SOCKET
        + " -H 'Content-Type: application/json' -d '{\"Name\":\"db_password\",\"Data\":\"eA==\"}'"
        + " http://localhost/v1.47/secrets/create").out()).isEqualTo("409");
    assertThat(dockerIn("x".getBytes(StandardCharsets.UTF_8), "secret", "create", "bad name!", "-").err())
        .contains("invalid name, only 64 [a-zA-Z0-9-_.] characters allowed");
    Files.write(DIR.resolve("big"), new byte[500 * 1024]);
    assertThat(docker("secret", "create", "big", DIR.resolve("big").toString()).err())
        .contains("secret data must be larger than 0 and less than 512000 bytes");
    assertThat(docker("secret", "inspect", "nosuch").err()).contains("secret nosuch not found");

    // only labels change (the API's update, which the CLI has no command for)
    String version = docker("secret", "inspect", "--format", "{{.Version.Index}}", "db_password").out().strip();
    assertThat(curlPost("/secrets/" + id + "/update?version=" + version,
        "{\"Name\":\"db_password\",\"Labels\":{\"env\":\"it\",\"rotated\":\"no\"}}")).isEqualTo("200");
    assertThat(docker("secret", "inspect", "--format", "{{.Spec.Labels.rotated}}", "db_password").out().strip())
        .isEqualTo("no");
    String v2 = docker("secret", "inspect", "--format", "{{.Version.Index}}", "db_password").out().strip();
    assertThat(curlPost("/secrets/" + id + "/update?version=" + v2, "{\"Name\":\"renamed\"}")).isEqualTo("400");

    // the berth CLI: the same objects, the same table
    assertThat(berth("secret", "ls", "--format", "{{.ID}} {{.Name}} {{.Labels}}").out())
        .isEqualTo(id + " db_password env=it,rotated=no\n");
    assertThat(berth("config", "ls").out().lines().findFirst().orElseThrow()).matches("ID +NAME +CREATED +UPDATED");
    Exec.Result viaBerth = Exec.run(java.util.Map.of("DOCKER_HOST", TestDaemon.HOST), "from berth".getBytes(
        StandardCharsets.UTF_8), 60, Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), "secret", "create",
        "-l", "by=berth", "berth_secret", "-"));
    check(viaBerth, "berth secret create");
    assertThat(docker("secret", "inspect", "--format", "{{.Spec.Labels.by}}", "berth_secret").out().strip())
        .isEqualTo("berth");
    assertThat(berth("secret", "inspect", "--format", "{{.Spec.Name}}", "berth_secret").out()).isEqualTo("berth_secret\n");
    assertThat(berth("secret", "rm", "berth_secret").out()).isEqualTo("berth_secret\n");
    assertThat(berth("secret", "--help").out()).contains("create").contains("ls, list").contains("rm, remove");

    // the managers tell of changes from the store, a moment after them
    String events = await("the secret and config events", () -> docker("events", "--since", since, "--until", "+1s",
        "--filter", "type=secret", "--filter", "type=config", "--format",
        "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}").out(), o -> o.contains("secret remove berth_secret"));
    assertThat(events).contains("secret create db_password").contains("config create app.conf")
        .contains("secret update db_password").contains("secret remove berth_secret");
  }

  @Test
  @Order(2)
  void aServiceGetsThemAsInMemoryFilesAndCannotLoseThemWhileRunning() throws Exception {
    Exec.Result nosuch = docker("service", "create", "-d", "--name", "sec-none", "--secret", "nosuch", TestDaemon.IMAGE,
        "sleep", "1000");
    assertThat(nosuch.exit()).isNotZero();
    assertThat(nosuch.err()).contains("secret not found: nosuch");

    check(docker("service", "create", "-d", "--name", "sec-web",
        "--secret", "source=db_password,target=db,uid=1000,gid=1001,mode=0400",
        "--secret", "source=db_password,target=/etc/ssl/db.pem",
        "--config", "source=app.conf,target=/etc/app.conf,mode=0440",
        "--config", "app.conf",
        TestDaemon.IMAGE, "sleep", "1000"), "service create with secrets and configs");
    String container = runningContainer("sec-web");
    assertThat(exec(container, "cat", "/run/secrets/db")).isEqualTo(PLAIN);
    assertThat(exec(container, "stat", "-c", "%u %g %a", "/run/secrets/db")).isEqualTo("1000 1001 400\n");
    // the owner and mode are the file's own: uid 1000 reads it, another uid does not
    assertThat(docker("exec", "-u", "1000:1001", container, "cat", "/run/secrets/db").out()).isEqualTo(PLAIN);
    assertThat(docker("exec", "-u", "2000", container, "cat", "/run/secrets/db").exit()).isNotZero();
    assertThat(exec(container, "cat", "/etc/ssl/db.pem")).isEqualTo(PLAIN);
    assertThat(exec(container, "stat", "-c", "%u %g %a", "/etc/ssl/db.pem")).isEqualTo("0 0 444\n");
    assertThat(exec(container, "cat", "/etc/app.conf")).isEqualTo(CONFIG);
    assertThat(exec(container, "stat", "-c", "%u %g %a", "/etc/app.conf")).isEqualTo("0 0 440\n");
    assertThat(exec(container, "cat", "/app.conf")).isEqualTo(CONFIG);
    String mounts = exec(container, "cat", "/proc/mounts");
    assertThat(mounts).containsPattern("tmpfs /run/secrets/db tmpfs ro")
        .containsPattern("tmpfs /etc/ssl/db.pem tmpfs ro").containsPattern("tmpfs /etc/app.conf tmpfs ro");
    assertThat(Exec.run(java.util.Map.of("DOCKER_HOST", TestDaemon.HOST), null, 30, Exec.list(
        "/usr/local/bin/docker", "exec", container, "sh", "-c", "echo x > /run/secrets/db")).exit()).isNotZero();

    // in use: neither can go
    assertThat(docker("secret", "rm", "db_password").err())
        .contains("rpc error: code = InvalidArgument desc = secret 'db_password' is in use by the following service: sec-web");
    assertThat(docker("config", "rm", "app.conf").err())
        .contains("config 'app.conf' is in use by the following service: sec-web");

    // the daemon's disk (data root: the Raft log and snapshots) never holds the secret in clear or in base64
    assertThat(filesContaining(TestDaemon.BASE.resolve("data"), PLAIN)).isEmpty();
    assertThat(filesContaining(TestDaemon.BASE.resolve("data"), b64(PLAIN))).isEmpty();
    // ... while the same scan finds the config, which Docker does not treat as secret
    assertThat(filesContaining(TestDaemon.BASE.resolve("data"), b64(CONFIG))).isNotEmpty();
  }

  @Test
  @Order(3)
  void rotationReplacesTheSecretAndFreesTheOldOne() throws Exception {
    check(dockerIn(ROTATED.getBytes(StandardCharsets.UTF_8), "secret", "create", "db_password_v2", "-"), "create v2");
    // --secret-rm drops both references to db_password (its two targets)
    check(docker("service", "update", "-d", "--secret-rm", "db_password",
        "--secret-add", "source=db_password_v2,target=db,uid=1000,gid=1001,mode=0400", "sec-web"), "rotation");
    String container = await("a task with the rotated secret", () -> {
      String c = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=sec-web").out().strip();
      return c.isEmpty() || c.contains("\n") ? "" : exec(c, "cat", "/run/secrets/db").equals(ROTATED) ? c : "";
    }, c -> !c.isEmpty());
    assertThat(docker("exec", container, "test", "-e", "/etc/ssl/db.pem").exit()).isNotZero();
    assertThat(docker("secret", "rm", "db_password").out().strip()).isEqualTo("db_password");
    assertThat(docker("secret", "rm", "db_password_v2").err()).contains("is in use by the following service: sec-web");

    // the service goes: its containers and their tmpfs with them, and then the objects can go
    check(docker("service", "rm", "sec-web"), "service rm");
    await("the task containers removed", () -> docker("ps", "-aq", "--filter", "label=com.docker.swarm.service.name=sec-web")
        .out(), String::isEmpty);
    await("the task tmpfs unmounted", () -> Exec.sh("grep -c " + TestDaemon.BASE.resolve("exec").resolve("task-files")
        + " /proc/mounts").out().strip(), "0"::equals);
    assertThat(docker("secret", "rm", "db_password_v2").out().strip()).isEqualTo("db_password_v2");
    assertThat(docker("config", "rm", "app.conf").out().strip()).isEqualTo("app.conf");
  }

  @Test
  @Order(4)
  void aKilledAndRestartedManagerKeepsTheFilesInMemoryAndOpensSecretsAgain() throws Exception {
    check(dockerIn(PLAIN.getBytes(StandardCharsets.UTF_8), "secret", "create", "before_restart", "-"), "create");
    check(docker("service", "create", "-d", "--name", "sec-web", "--secret", "before_restart", TestDaemon.IMAGE,
        "sleep", "1000"), "service create");
    String container = runningContainer("sec-web");
    assertThat(exec(container, "cat", "/run/secrets/before_restart")).isEqualTo(PLAIN);

    TestDaemon.kill9();
    TestDaemon.start();
    // the task's container lived on with its tmpfs, and nothing of the secret went to disk meanwhile
    assertThat(exec(container, "cat", "/run/secrets/before_restart")).isEqualTo(PLAIN);
    assertThat(filesContaining(TestDaemon.BASE.resolve("data"), PLAIN)).isEmpty();
    // the manager read its secrets key again: a secret made now opens for a new task
    await("the manager back", () -> docker("secret", "ls", "-q").exit(), rc -> rc == 0);
    check(dockerIn(ROTATED.getBytes(StandardCharsets.UTF_8), "secret", "create", "after_restart", "-"), "create after");
    check(docker("service", "update", "-d", "--secret-add", "after_restart", "sec-web"), "secret-add");
    await("a task with the secret made after the restart", () -> {
      String c = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=sec-web").out().strip();
      return c.isEmpty() || c.contains("\n") ? "" : exec(c, "cat", "/run/secrets/after_restart");
    }, ROTATED::equals);
    check(docker("service", "rm", "sec-web"), "service rm");
    await("the task containers removed", () -> docker("ps", "-aq", "--filter",
        "label=com.docker.swarm.service.name=sec-web").out(), String::isEmpty);
    check(docker("secret", "rm", "before_restart", "after_restart"), "secret rm");
  }

  private static String runningContainer(String service) throws InterruptedException {
    return await(service + " running", () -> docker("ps", "-q", "--filter",
        "label=com.docker.swarm.service.name=" + service).out().strip(), s -> !s.isEmpty() && !s.contains("\n"));
  }

  private static String exec(String container, String... cmd) {
    List<String> args = new java.util.ArrayList<>(List.of("exec", container));
    args.addAll(List.of(cmd));
    return docker(args.toArray(String[]::new)).out();
  }

  private static String curlPost(String path, String body) {
    return Exec.run(java.util.Map.of(), body.getBytes(StandardCharsets.UTF_8), 30, List.of("curl", "-s", "-o",
        "/dev/null", "-w", "%{http_code}", "--unix-socket", TestDaemon.SOCKET.toString(), "-H",
        "Content-Type: application/json", "--data-binary", "@-", "http://localhost/v1.47" + path)).out();
  }

  private static String b64(String s) {
    String b = Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    return b.substring(0, b.length() - 4); // the part that does not depend on what follows
  }

  /** Regular files under {@code root} (up to 16 MiB each: image layers are not where state goes) holding {@code needle}. */
  private static List<Path> filesContaining(Path root, String needle) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).filter(p -> {
        try {
          return Files.size(p) < (16 << 20)
              && new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(needle);
        } catch (IOException e) {
          return false; // a file removed while walking
        }
      }).toList();
    }
  }
}
