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
 * skopeo with {@code --creds}. Wrong or missing credentials fail with a clear message.
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
    basicReg = freeAddr();
    tokenReg = freeAddr();
    distReg = freeAddr();
    for (String[] reg : new String[][] {{basicReg, "basic"}, {tokenReg, "token"}}) {
      processes.add(new ProcessBuilder(Exec.repoRoot().resolve("bin/berth").toString(), "registry", "serve",
          "--addr", reg[0], "--storage", DIR.resolve(reg[1]).toString(), "--htpasswd", htpasswd.toString(),
          "--auth", reg[1]).redirectErrorStream(true).redirectOutput(DIR.resolve(reg[1] + ".log").toFile()).start());
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
