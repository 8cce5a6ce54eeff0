package io.berth.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.oci.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the registry's bearer tokens: JWTs signed with HMAC-SHA256 under a key kept in
 * the storage directory (mode 0600, so tokens survive a restart), carrying Docker's {@code access}
 * claim (which actions on which repositories). The issuer and the verifier are the same process,
 * so a shared secret is enough.
 */
public final class Tokens {
  public static final String ISSUER = "berth-registry";
  public static final String SERVICE = "berth-registry";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final byte[] key;

  public Tokens(Path keyFile) {
    try {
      if (!Files.exists(keyFile)) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Files.createDirectories(keyFile.getParent());
        Path tmp = Files.createTempFile(keyFile.getParent(), ".key-", "",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, k);
        Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      this.key = Files.readAllBytes(keyFile);
    } catch (IOException e) {
      throw new UncheckedIOException("token key " + keyFile, e);
    }
  }

  /** A token for {@code subject} granting {@code access}, valid for {@code seconds}. */
  public String issue(String subject, List<Scope> access, long seconds) {
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = Json.MAPPER.createObjectNode();
    claims.put("iss", ISSUER).put("sub", subject).put("aud", SERVICE).put("iat", now).put("nbf", now - 5)
        .put("exp", now + seconds).put("jti", UUID.randomUUID().toString());
    ArrayNode a = claims.putArray("access");
    for (Scope s : access) {
      ObjectNode e = a.addObject().put("type", s.type()).put("name", s.name());
      ArrayNode actions = e.putArray("actions");
      s.actions().stream().sorted().forEach(actions::add);
    }
    String head = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String body = B64.encodeToString(Json.bytes(claims));
    return head + "." + body + "." + B64.encodeToString(sign(head + "." + body));
  }

  /** What a valid token says: who it was issued to ({@code anonymous} without credentials) and what it grants. */
  public record Claims(String subject, List<Scope> access) {}

  /** The claims of a valid token, or null when it is malformed, forged, expired or for another service. */
  public Claims verify(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    byte[] given;
    JsonNode claims;
    try {
      given = Base64.getUrlDecoder().decode(parts[2]);
      claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
    if (!MessageDigest.isEqual(given, sign(parts[0] + "." + parts[1]))) {
      return null;
    }
    long now = Instant.now().getEpochSecond();
    if (!claims.path("aud").asText().equals(SERVICE) || claims.path("exp").asLong(0) < now
        || claims.path("nbf").asLong(0) > now) {
      return null;
    }
    List<Scope> out = new ArrayList<>();
    for (JsonNode e : claims.path("access")) {
      Set<String> actions = new HashSet<>();
      e.path("actions").forEach(x -> actions.add(x.asText()));
      out.add(new Scope(e.path("type").asText(), e.path("name").asText(), actions));
    }
    return new Claims(claims.path("sub").asText(""), List.copyOf(out));
  }

  private byte[] sign(String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
