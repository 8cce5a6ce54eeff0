package io.berth.registry;

import static io.berth.registry.TestRegistry.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.oci.Json;
import io.berth.registry.auth.Authorizers;
import io.berth.registry.auth.Scope;
import io.berth.registry.auth.Tokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** htpasswd basic auth and Docker's token flow on a real server, with per-scope checks. */
class RegistryAuthTest {
  @TempDir Path tmp;

  private Path htpasswd() throws Exception {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Path f = tmp.resolve("htpasswd");
    Files.writeString(f, "# users\nalice:" + OpenBSDBCrypt.generate("2y", "s3cret".toCharArray(), salt, 5) + "\n");
    return f;
  }

  private TestRegistry start(boolean token) throws Exception {
    RegistryConfig c = new RegistryConfig("127.0.0.1", 0, tmp.resolve("storage"), null, null, htpasswd(), token, 4096);
    Authorizers.Auth auth = Authorizers.from(c);
    return new TestRegistry(c.storage(), auth.authorizer(), auth.routes());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicAuthNeedsAValidUser() throws Exception {
    try (TestRegistry reg = start(false)) {
      HttpResponse<byte[]> r = reg.send("GET", "/v2/");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Berth Registry\"");
      assertThat(text(r)).contains("UNAUTHORIZED");
      assertThat(reg.send("GET", "/v2/", null, Map.of("Authorization", basic("alice", "wrong"))).statusCode())
          .isEqualTo(401);
      assertThat(reg.send("GET", "/v2/", null, Map.of("Authorization", basic("bob", "s3cret"))).statusCode())
          .isEqualTo(401);
      assertThat(reg.send("GET", "/v2/", null, Map.of("Authorization", basic("alice", "s3cret"))).statusCode())
          .isEqualTo(200);
      assertThat(reg.send("POST", "/v2/a/b/blobs/uploads/", null, Map.of("Authorization", basic("alice", "s3cret")))
          .statusCode()).isEqualTo(202);
    }
  }

  @Test
  void tokenFlowGrantsWhatWasAskedToUsersOnly() throws Exception {
    try (TestRegistry reg = start(true)) {
      HttpResponse<byte[]> r = reg.send("POST", "/v2/team/app/blobs/uploads/");
      assertThat(r.statusCode()).isEqualTo(401);
      String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
      assertThat(challenge).startsWith("Bearer realm=\"" + reg.base + "/auth/token\"")
          .contains("service=\"berth-registry\"").contains("scope=\"repository:team/app:pull,push\"");
      // a user's token for pull and push works for both
      String token = token(reg, basic("alice", "s3cret"), "repository:team/app:pull,push");
      assertThat(reg.send("POST", "/v2/team/app/blobs/uploads/", null, Map.of("Authorization", "Bearer " + token))
          .statusCode()).isEqualTo(202);
      // a pull-only token cannot push: insufficient scope
      String pull = token(reg, basic("alice", "s3cret"), "repository:team/app:pull");
      HttpResponse<byte[]> denied = reg.send("POST", "/v2/team/app/blobs/uploads/", null,
          Map.of("Authorization", "Bearer " + pull));
      assertThat(denied.statusCode()).isEqualTo(401);
      assertThat(denied.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_scope\"");
      assertThat(text(denied)).contains("DENIED");
      // the token is for one repository only
      assertThat(reg.send("GET", "/v2/other/tags/list", null, Map.of("Authorization", "Bearer " + token))
          .statusCode()).isEqualTo(401);
      // anonymous callers get a token without access; wrong passwords get no token
      String anon = token(reg, null, "repository:team/app:pull");
      assertThat(reg.send("GET", "/v2/team/app/tags/list", null, Map.of("Authorization", "Bearer " + anon))
          .statusCode()).isEqualTo(401);
      assertThat(reg.send("GET", "/auth/token?service=berth-registry&scope=repository:team/app:pull", null,
          Map.of("Authorization", basic("alice", "nope"))).statusCode()).isEqualTo(401);
      // a forged token (payload changed, signature kept) is refused
      String[] parts = token.split("\\.");
      String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
          "{\"aud\":\"berth-registry\",\"exp\":9999999999,\"access\":[{\"type\":\"repository\",\"name\":\"other\",\"actions\":[\"pull\"]}]}"
              .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
      assertThat(reg.send("GET", "/v2/other/tags/list", null, Map.of("Authorization", "Bearer " + forged))
          .statusCode()).isEqualTo(401);
    }
  }

  @Test
  void accessRulesLimitEachAccountPerRepository() throws Exception {
    byte[] salt = new byte[16];
    Path users = tmp.resolve("users");
    Files.writeString(users, "alice:" + OpenBSDBCrypt.generate("2y", "a".toCharArray(), salt, 5) + "\n"
        + "bob:" + OpenBSDBCrypt.generate("2y", "b".toCharArray(), salt, 5) + "\n");
    Path rules = tmp.resolve("access.json");
    Files.writeString(rules, """
        [{"account": "alice", "repository": "team/*", "actions": ["pull", "push"]},
         {"account": "*", "repository": "team/*", "actions": ["pull"]},
         {"account": "anonymous", "repository": "public/*", "actions": ["pull"]}]
        """);
    for (boolean token : new boolean[] {false, true}) {
      RegistryConfig c = new RegistryConfig("127.0.0.1", 0, tmp.resolve("st-" + token), null, null, users, token, 4096,
          rules);
      Authorizers.Auth auth = Authorizers.from(c);
      try (TestRegistry reg = new TestRegistry(c.storage(), auth.authorizer(), auth.routes())) {
        String alice = token ? "Bearer " + token(reg, basic("alice", "a"), "repository:team/app:pull,push")
            : basic("alice", "a");
        String bob = token ? "Bearer " + token(reg, basic("bob", "b"), "repository:team/app:pull,push")
            : basic("bob", "b");
        assertThat(reg.send("POST", "/v2/team/app/blobs/uploads/", null, Map.of("Authorization", alice)).statusCode())
            .as("alice pushes to team/*").isEqualTo(202);
        HttpResponse<byte[]> denied = reg.send("POST", "/v2/team/app/blobs/uploads/", null, Map.of("Authorization", bob));
        assertThat(denied.statusCode()).as("bob may not push").isIn(401, 403);
        assertThat(text(denied)).contains("DENIED");
        assertThat(reg.send("GET", "/v2/team/app/tags/list", null, Map.of("Authorization", bob)).statusCode())
            .as("bob pulls team/*").isIn(200, 404);
        if (token) {
          String anon = "Bearer " + token(reg, null, "repository:public/x:pull");
          assertThat(reg.send("GET", "/v2/public/x/tags/list", null, Map.of("Authorization", anon)).statusCode())
              .as("anonymous pulls public/*").isIn(200, 404);
          String anonTeam = "Bearer " + token(reg, null, "repository:team/app:pull");
          assertThat(reg.send("GET", "/v2/team/app/tags/list", null, Map.of("Authorization", anonTeam)).statusCode())
              .isEqualTo(401);
        }
      }
    }
    Files.writeString(rules, "[{\"account\": \"x\", \"repository\": \"a\", \"actions\": [\"fly\"]}]");
    RegistryConfig bad = new RegistryConfig("127.0.0.1", 0, tmp.resolve("bad"), null, null, users, true, 4096, rules);
    assertThatThrownBy(() -> Authorizers.from(bad)).hasMessageContaining("rule 1").hasMessageContaining("fly");
  }

  @Test
  void expiredTokensAreRefused() {
    Tokens tokens = new Tokens(tmp.resolve("k"));
    String t = tokens.issue("alice", List.of(Scope.repository("a", "pull")), -10);
    assertThat(tokens.verify(t)).isNull();
    assertThat(tokens.verify(tokens.issue("alice", List.of(Scope.repository("a", "pull")), 60)))
        .containsExactly(Scope.repository("a", "pull"));
    // the key survives a restart: a second instance accepts the first one's tokens
    assertThat(new Tokens(tmp.resolve("k")).verify(tokens.issue("alice", List.of(), 60))).isEmpty();
  }

  @Test
  void htpasswdWithOtherHashKindsIsRefusedWithTheLine() throws Exception {
    Path f = tmp.resolve("bad");
    Files.writeString(f, "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
    RegistryConfig c = new RegistryConfig("127.0.0.1", 0, tmp.resolve("s"), null, null, f, false, 4096);
    assertThatThrownBy(() -> Authorizers.from(c)).hasMessageContaining("line 1").hasMessageContaining("bcrypt");
  }

  private static String token(TestRegistry reg, String authorization, String scope) throws Exception {
    HttpResponse<byte[]> r = reg.send("GET", "/auth/token?service=berth-registry&scope=" + scope, null,
        authorization == null ? Map.of() : Map.of("Authorization", authorization));
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body()).path("token").asText();
  }
}
