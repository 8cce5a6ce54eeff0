package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registries that need a login: Berth's registry with htpasswd basic auth and with the token
 * flow, and Debian's docker-registry with htpasswd, each driven by {@code docker login} /
 * {@code berth login} and then push and pull through berthd with the stored credentials;
 * skopeo with {@code --creds}. Wrong or missing credentials fail with a clear message; a user the
 * access rules do not allow is denied (403), and the catalog lists only what the caller may pull.
 */
class RegistryAuthIT {
  private static final Path DIR = Path.of("/tmp/berth-it-auth");
  private static final List<Process> processes = new ArrayList<>();
  private static String basicReg;
  private static String tokenReg;
  private static String distReg;

  private static String freeAddr() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private static void await(String addr) throws Exception {
    for (int i = 0; i < 200 && Exec.sh("curl -s -o /dev/null http://" + addr + "/v2/").exit() != 0; i++) {
      Thread.sleep(100);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR + "/docker-config");
    Path htpasswd = DIR.resolve("htpasswd");
    Htpasswd.write(htpasswd, "alice", "s3cret");
    Path bob = DIR.resolve("htpasswd-bob");
    Htpasswd.write(bob, "bob", "b0b");
    Files.writeString(htpasswd, Files.readString(htpasswd) + Files.readString(bob));
    // alice may do anything; bob pulls team/* and owns bob/*
    Path access = DIR.resolve("access.json");
    Files.writeString(access, """
        [{"account": "alice", "repository": "*", "actions": ["*"]},
         {"account": "bob", "repository": "team/*", "actions": ["pull"]},
         {"account": "bob", "repository": "bob/*", "actions": ["pull", "push"]}]
        """);
    basicReg = freeAddr();
    tokenReg = freeAddr();
    distReg = freeAddr();
    for (String[] reg : new String[][] {{basicReg, "basic"}, {tokenReg, "token"}}) {
      processes.add(new ProcessBuilder(Exec.repoRoot().resolve("bin/berth").toString(), "registry", "serve",
          "--addr", reg[0], "--storage", DIR.resolve(reg[1]).toString(), "--htpasswd", htpasswd.toString(),
          "--access", access.toString(), "--auth", reg[1]).redirectErrorStream(true).redirectOutput(DIR.resolve(reg[1] + ".log").toFile()).start());
    }
    Files.writeString(DIR.resolve("dist.yml"), "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + DIR
        + "/dist\nhttp:\n  addr: " + distReg + "\nauth:\n  htpasswd:\n    realm: dist\n    path: " + htpasswd + "\n");
    processes.add(new ProcessBuilder("docker-registry", "serve", DIR + "/dist.yml").redirectErrorStream(true)
        .redirectOutput(DIR.resolve("dist.log").toFile()).start());
    for (String a : new String[] {basicReg, tokenReg, distReg}) {
      await(a);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static Map<String, String> env(String configDir) {
    Map<String, String> env = new HashMap<>(TestDaemon.env());
    env.put("DOCKER_CONFIG", DIR.resolve(configDir).toString());
    return env;
  }

  private static Exec.Result docker(String config, byte[] stdin, String... args) {
    return Exec.run(env(config), stdin, 120, Exec.list("/usr/local/bin/docker", args));
  }

  private static Exec.Result berth(String config, byte[] stdin, String... args) {
    return Exec.run(env(config), stdin, 120, Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), args));
  }

  private void dockerLoginPushPull(String reg, String config) {
    String image = reg + "/team/app:1";
    check(docker(config, null, "tag", IMAGE, image), "tag");
    Exec.Result r = docker(config, null, "push", image);
    assertThat(r.exit()).as("push without login").isNotZero();
    assertThat(r.all()).containsIgnoringCase("unauthorized");
    r = docker(config, "wrong\n".getBytes(), "login", "-u", "alice", "--password-stdin", reg);
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("incorrect username or password");
    r = docker(config, "s3cret\n".getBytes(), "login", "-u", "alice", "--password-stdin", reg);
    check(r, "docker login " + reg);
    assertThat(r.out()).contains("Login Succeeded");
    check(docker(config, null, "push", image), "push after login");
    check(docker(config, null, "rmi", image), "rmi");
    check(docker(config, null, "pull", image), "pull after login");
    check(docker(config, null, "rmi", image), "rmi");
  }

  /** {@code docker build} (classic builder) as a user logged in to {@code config}'s registries. */
  private static Exec.Result dockerBuild(String config, String... args) {
    Map<String, String> env = env(config);
    env.put("DOCKER_BUILDKIT", "0");
    return Exec.run(env, null, 180, Exec.list("/usr/local/bin/docker", args));
  }

  /**
   * A base image only in a registry that needs a login: {@code docker build} pulls it with the
   * credentials the CLI sends ({@code X-Registry-Config}), as dockerd's classic builder; without
   * them the build fails naming the image; {@code --pull} takes a newer base even when one is stored.
   */
  @Test
  void dockerBuildPullsAMissingBaseWithTheUsersCredentials() throws Exception {
    String config = "build-config";
    Files.createDirectories(DIR.resolve(config));
    Files.createDirectories(DIR.resolve("nologin-config"));
    String base = basicReg + "/team/base:1";
    check(docker(config, "s3cret\n".getBytes(), "login", "-u", "alice", "--password-stdin", basicReg), "login");
    check(docker(config, null, "tag", IMAGE, base), "tag");
    check(docker(config, null, "push", base), "push the base");
    check(docker(config, null, "rmi", base), "untag the base");
    Path ctx = Files.createDirectories(DIR.resolve("build-ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + base + "\nRUN echo built > /built.txt\n");

    Exec.Result r = dockerBuild("nologin-config", "build", "-t", "it/frombase:1", ctx.toString());
    assertThat(r.exit()).as("no credentials for the base's registry: " + r.all()).isNotZero();
    assertThat(r.all()).contains("pull access denied for " + basicReg + "/team/base");

    r = dockerBuild(config, "build", "-t", "it/frombase:1", ctx.toString());
    check(r, "docker build FROM a base in the registry");
    assertThat(r.out()).contains("1: Pulling from team/base").contains("Status: Downloaded newer image for " + base);
    assertThat(docker(config, null, "run", "--rm", "it/frombase:1", "cat", "/built.txt").out()).isEqualTo("built\n");
    assertThat(docker(config, null, "image", "inspect", "--format", "{{.Id}}", base).exit()).as("the base is stored").isZero();

    // a newer base in the registry; the stored one is the old: --pull takes the newer
    Path v2 = Files.createDirectories(DIR.resolve("base-v2"));
    Files.writeString(v2.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN echo v2 > /version\n");
    check(dockerBuild(config, "build", "-t", base, v2.toString()), "build base v2");
    check(docker(config, null, "push", base), "push base v2");
    check(docker(config, null, "tag", IMAGE, base), "the stored base is the old one again");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + base + "\nRUN cat /version\n");
    r = dockerBuild(config, "build", "--pull", "-t", "it/frombase:2", ctx.toString());
    check(r, "docker build --pull");
    assertThat(r.out()).contains("Status: Downloaded newer image for " + base).contains("v2");
    check(docker(config, null, "rmi", "it/frombase:1", "it/frombase:2", base), "rmi");
  }

  @Test
  void berthRegistryWithBasicAuth() {
    dockerLoginPushPull(basicReg, "basic-config");
  }

  @Test
  void berthRegistryWithTheTokenFlow() {
    dockerLoginPushPull(tokenReg, "token-config");
    // skopeo speaks the same token flow with --creds
    Exec.Result r = Exec.run(Map.of(), null, 120, List.of("skopeo", "inspect", "--tls-verify=false",
        "--creds", "alice:s3cret", "docker://" + tokenReg + "/team/app:1"));
    check(r, "skopeo --creds");
    r = Exec.run(Map.of(), null, 120, List.of("skopeo", "inspect", "--tls-verify=false",
        "docker://" + tokenReg + "/team/app:1"));
    assertThat(r.exit()).isNotZero();
  }

  /**
   * A user who logged in but whom the access rules do not let push is told "denied", as dockerd
   * and skopeo report a registry's 403, not asked to log in again; and the catalog lists only the
   * repositories the caller may pull.
   */
  private void rulesDenyAndHideWhatIsNotTheCallers(String reg, String label) throws Exception {
    String alice = label + "-alice";
    String bob = label + "-bob";
    Files.createDirectories(DIR.resolve(alice));
    Files.createDirectories(DIR.resolve(bob));
    check(docker(alice, "s3cret\n".getBytes(), "login", "-u", "alice", "--password-stdin", reg), "alice login");
    check(docker(bob, "b0b\n".getBytes(), "login", "-u", "bob", "--password-stdin", reg), "bob login");
    for (String repo : new String[] {"team/shared", "private/secret"}) {
      check(docker(alice, null, "tag", IMAGE, reg + "/" + repo + ":1"), "tag");
      check(docker(alice, null, "push", reg + "/" + repo + ":1"), "alice pushes " + repo);
    }
    Exec.Result r = docker(bob, null, "push", reg + "/team/shared:1");
    assertThat(r.exit()).as("bob may only pull team/*").isNotZero();
    assertThat(r.all()).contains("denied: requested access to the resource is denied")
        .doesNotContain("authentication required");
    check(docker(bob, null, "tag", IMAGE, reg + "/bob/own:1"), "tag");
    check(docker(bob, null, "push", reg + "/bob/own:1"), "bob pushes his own repository");
    r = Exec.run(Map.of(), null, 120, List.of("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
        "--src-creds", "bob:b0b", "--dest-creds", "bob:b0b", "docker://" + reg + "/team/shared:1",
        "docker://" + reg + "/team/copy:1"));
    assertThat(r.exit()).as("skopeo copy into team/* as bob").isNotZero();
    assertThat(r.all()).contains("denied").doesNotContain("unauthorized");
    assertThat(catalog(reg, "bob", "b0b", label.equals("token"))).contains("bob/own", "team/shared")
        .allMatch(name -> name.startsWith("team/") || name.startsWith("bob/"), "only what bob may pull");
    assertThat(catalog(reg, "alice", "s3cret", label.equals("token"))).contains("bob/own", "private/secret",
        "team/shared");
  }

  /** {@code GET /v2/_catalog} as a user: with basic auth, or with a token from the registry's issuer. */
  private static List<String> catalog(String reg, String user, String password, boolean token) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    String auth = basic;
    if (token) {
      var t = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + reg
          + "/auth/token?service=berth-registry&scope=registry:catalog:*")).header("Authorization", basic).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(t.statusCode()).isEqualTo(200);
      auth = "Bearer " + new com.fasterxml.jackson.databind.ObjectMapper().readTree(t.body()).path("token").asText();
    }
    var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + reg + "/v2/_catalog"))
        .header("Authorization", auth).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("repositories")
        .forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void accessRulesWithBasicAuthDenyAndHide() throws Exception {
    rulesDenyAndHideWhatIsNotTheCallers(basicReg, "basic");
  }

  @Test
  void accessRulesWithTheTokenFlowDenyAndHide() throws Exception {
    rulesDenyAndHideWhatIsNotTheCallers(tokenReg, "token");
  }

  @Test
  void distributionRegistryWithHtpasswd() {
    dockerLoginPushPull(distReg, "dist-config");
  }

  @Test
  void berthLoginStoresCredentialsForBerthPushAndPull() throws Exception {
    String image = basicReg + "/berth/cli:1";
    check(berth("berth-config", null, "tag", IMAGE, image), "tag");
    Exec.Result r = berth("berth-config", "nope\n".getBytes(), "login", "-u", "alice", "--password-stdin", basicReg);
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("incorrect username or password");
    assertThat(DIR.resolve("berth-config/config.json")).doesNotExist();
    r = berth("berth-config", "s3cret\n".getBytes(), "login", "-u", "alice", "--password-stdin", basicReg);
    check(r, "berth login");
    assertThat(r.out()).contains("Login Succeeded");
    Path config = DIR.resolve("berth-config/config.json");
    assertThat(Files.readString(config)).contains(basicReg).contains("\"auth\"");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");
    check(berth("berth-config", null, "push", image), "berth push with stored credentials");
    check(berth("berth-config", null, "rmi", image), "rmi");
    check(berth("berth-config", null, "pull", image), "berth pull with stored credentials");
    // the docker CLI reads the same file
    check(docker("berth-config", null, "pull", image), "docker pull with berth's login");
    check(berth("berth-config", null, "logout", basicReg), "logout");
    assertThat(Files.readString(config)).doesNotContain(basicReg);
    check(berth("berth-config", null, "rmi", image), "rmi");
    assertThat(berth("berth-config", null, "pull", image).exit()).isNotZero();
  }
}
