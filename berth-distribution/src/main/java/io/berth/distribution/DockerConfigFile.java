package io.berth.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.oci.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

/**
 * The docker CLI's {@code config.json} ({@code $DOCKER_CONFIG} or {@code ~/.docker}), shared with
 * docker so a login with either CLI serves both: {@code auths.<registry>.auth} holds base64
 * {@code user:password}; a {@code credsStore}/{@code credHelpers} entry sends the lookup to
 * {@code docker-credential-<name>}. Every other key of the file is left as it was. The berth CLI
 * (login, pull, push) and the daemonless Maven plugin read it.
 */
public final class DockerConfigFile {
  private static final ObjectMapper JSON = Json.MAPPER;
  private final Path file;

  public DockerConfigFile(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    this.file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json") : Path.of(home, ".docker", "config.json");
  }

  public Path path() {
    return file;
  }

  /** The X-Registry-Auth header value for {@code registry} ("" when the user never logged in). */
  public String registryAuthHeader(String registry) throws IOException {
    String[] cred = credentials(registry);
    if (cred == null) {
      return null;
    }
    ObjectNode n = JSON.createObjectNode().put("username", cred[0]).put("password", cred[1])
        .put("serveraddress", registry);
    return Base64.getUrlEncoder().encodeToString(JSON.writeValueAsBytes(n));
  }

  /** {@code [user, password]} for a registry, or null. */
  public String[] credentials(String registry) throws IOException {
    JsonNode root = read();
    String helper = root.path("credHelpers").path(registry).asText(root.path("credsStore").asText(""));
    if (!helper.isEmpty()) {
      return fromHelper(helper, registry);
    }
    JsonNode entry = root.path("auths").path(registry);
    if (entry.isMissingNode()) {
      entry = root.path("auths").path("https://" + registry);
    }
    String auth = entry.path("auth").asText("");
    if (auth.isEmpty()) {
      return null;
    }
    String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new IOException(file + ": the auth entry for " + registry + " is not base64 user:password");
    }
    return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  /** The stored login for {@code registry} as {@link Credentials}, {@link Credentials#NONE} without one. */
  public Credentials lookup(String registry) throws IOException {
    String[] c = credentials(registry);
    return c == null ? Credentials.NONE : new Credentials(c[0], c[1], null);
  }

  public void store(String registry, String user, String password) throws IOException {
    ObjectNode root = read();
    ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths")
        : root.putObject("auths");
    auths.putObject(registry).put("auth",
        Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    write(root);
  }

  /** Removes the registry's entry; false when there was none. */
  public boolean remove(String registry) throws IOException {
    ObjectNode root = read();
    if (!(root.get("auths") instanceof ObjectNode auths) || auths.remove(registry) == null) {
      return false;
    }
    write(root);
    return true;
  }

  private ObjectNode read() throws IOException {
    if (!Files.exists(file)) {
      return JSON.createObjectNode();
    }
    JsonNode n = JSON.readTree(file.toFile());
    if (n == null || !n.isObject()) {
      throw new IOException(file + " is not a JSON object");
    }
    return (ObjectNode) n;
  }

  private void write(ObjectNode root) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "config-", ".json",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String[] fromHelper(String helper, String registry) throws IOException {
    String bin = "docker-credential-" + helper;
    Process p;
    try {
      p = new ProcessBuilder(bin, "get").start();
    } catch (IOException e) {
      throw new IOException("config.json names the credential helper " + helper + " but " + bin + " is not installed");
    }
    p.getOutputStream().write(registry.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (p.waitFor() != 0) {
        return null; // the helper knows no credentials for this registry
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    JsonNode n = JSON.readTree(out);
    return new String[] {n.path("Username").asText(), n.path("Secret").asText()};
  }
}
