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
    Authorizers.Auth auth = Authorizers.from(c.auth());
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

  /** Users alice (password a) and bob (b); rules; repositories team/app, private/x, bob/y, public/z. */
  private Path accessSetup(Path storage) throws Exception {
    byte[] salt = new byte[16];
    Path users = tmp.resolve("users");
    Files.writeString(users, "alice:" + OpenBSDBCrypt.generate("2y", "a".toCharArray(), salt, 5) + "\n"
        + "bob:" + OpenBSDBCrypt.generate("2y", "b".toCharArray(), salt, 5) + "\n");
    Files.writeString(tmp.resolve("access.json"), """
        [{"account": "alice", "repository": "team/*", "actions": ["pull", "push"]},
         {"account": "alice", "repository": "private/*", "actions": ["pull", "push"]},
         {"account": "*", "repository": "team/*", "actions": ["pull"]},
         {"account": "bob", "repository": "bob/*", "actions": ["*"]},
         {"account": "anonymous", "repository": "public/*", "actions": ["pull"]}]
        """);
    try (TestRegistry open = new TestRegistry(storage)) {
      for (String repo : new String[] {"team/app", "private/x", "bob/y", "public/z"}) {
        open.pushBlob(repo, repo.getBytes(StandardCharsets.UTF_8));
      }
    }
    return users;
  }

  private TestRegistry accessRegistry(boolean token) throws Exception {
    Path storage = tmp.resolve("st-" + token);
    Path users = accessSetup(storage);
    RegistryConfig c = new RegistryConfig("127.0.0.1", 0, storage, null, null, users, token, 4096,
        tmp.resolve("access.json"));
    Authorizers.Auth auth = Authorizers.from(c.auth());
    return new TestRegistry(c.storage(), auth.authorizer(), auth.routes());
  }

  private static void assertDenied(HttpResponse<byte[]> r, String what) throws Exception {
    assertThat(r.statusCode()).as(what).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate")).as(what + ": no challenge, a login would not help").isEmpty();
    assertThat(Json.MAPPER.readTree(r.body()).path("errors").path(0).path("code").asText()).isEqualTo("DENIED");
    assertThat(Json.MAPPER.readTree(r.body()).path("errors").path(0).path("message").asText())
        .isEqualTo("requested access to the resource is denied");
  }

  private static List<String> catalog(TestRegistry reg, String query, String authorization) throws Exception {
    HttpResponse<byte[]> r = reg.send("GET", "/v2/_catalog" + query, null, Map.of("Authorization", authorization));
    assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
    List<String> out = new java.util.ArrayList<>();
    Json.MAPPER.readTree(r.body()).path("repositories").forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void basicAuthRulesDenyWith403AndTheCatalogShowsOnlyWhatTheCallerMayPull() throws Exception {
    try (TestRegistry reg = accessRegistry(false)) {
      String alice = basic("alice", "a");
      String bob = basic("bob", "b");
      assertThat(reg.send("POST", "/v2/team/app/blobs/uploads/", null, Map.of("Authorization", alice)).statusCode())
          .as("alice pushes to team/*").isEqualTo(202);
      assertDenied(reg.send("POST", "/v2/team/app/blobs/uploads/", null, Map.of("Authorization", bob)),
          "bob pushes to team/app");
      assertDenied(reg.send("GET", "/v2/private/x/tags/list", null, Map.of("Authorization", bob)), "bob pulls private/x");
      assertThat(reg.send("GET", "/v2/team/app/tags/list", null, Map.of("Authorization", bob)).statusCode())
          .as("bob pulls team/*").isIn(200, 404);
      assertThat(catalog(reg, "", alice)).containsExactly("private/x", "team/app");
      assertThat(catalog(reg, "", bob)).containsExactly("bob/y", "team/app");
      // pages count what the caller sees
      HttpResponse<byte[]> page = reg.send("GET", "/v2/_catalog?n=1", null, Map.of("Authorization", bob));
      assertThat(text(page)).contains("\"bob/y\"").doesNotContain("team/app").doesNotContain("private");
      assertThat(page.headers().firstValue("Link").orElseThrow()).contains("last=bob/y").contains("n=1");
      assertThat(catalog(reg, "?n=1&last=bob/y", bob)).containsExactly("team/app");
      // the rules' "anonymous" account: callers without credentials pull public/*, nothing else
      assertThat(reg.send("GET", "/v2/public/z/tags/list").statusCode()).isIn(200, 404);
      HttpResponse<byte[]> anon = reg.send("GET", "/v2/team/app/tags/list");
      assertThat(anon.statusCode()).isEqualTo(401);
      assertThat(anon.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Berth Registry\"");
      assertThat(reg.send("GET", "/v2/").statusCode()).as("the login check still challenges").isEqualTo(401);
      assertThat(reg.send("GET", "/v2/_catalog").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void tokenFlowRulesDenyWith403AndTheCatalogShowsOnlyWhatTheCallerMayPull() throws Exception {
    try (TestRegistry reg = accessRegistry(true)) {
      String alice = "Bearer " + token(reg, basic("alice", "a"), "repository:team/app:pull,push");
      assertThat(reg.send("POST", "/v2/team/app/blobs/uploads/", null, Map.of("Authorization", alice)).statusCode())
          .as("alice pushes to team/*").isEqualTo(202);
      // bob asked for push and got a pull-only token: a new token would not help, so 403, not a challenge
      String bob = "Bearer " + token(reg, basic("bob", "b"), "repository:team/app:pull,push");
      assertDenied(reg.send("POST", "/v2/team/app/blobs/uploads/", null, Map.of("Authorization", bob)),
          "bob pushes to team/app");
      assertThat(reg.send("GET", "/v2/team/app/tags/list", null, Map.of("Authorization", bob)).statusCode())
          .as("bob pulls team/*").isIn(200, 404);
      // alice with a token too narrow for what the rules let her do: challenged for a wider one
      String alicePull = "Bearer " + token(reg, basic("alice", "a"), "repository:team/app:pull");
      HttpResponse<byte[]> narrow = reg.send("POST", "/v2/team/app/blobs/uploads/", null,
          Map.of("Authorization", alicePull));
      assertThat(narrow.statusCode()).isEqualTo(401);
      assertThat(narrow.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_scope\"")
          .contains("scope=\"repository:team/app:pull,push\"");
      // anonymous callers: public/* with a token, elsewhere "log in"
      String anon = "Bearer " + token(reg, null, "repository:public/z:pull");
      assertThat(reg.send("GET", "/v2/public/z/tags/list", null, Map.of("Authorization", anon)).statusCode())
          .isIn(200, 404);
      String anonTeam = "Bearer " + token(reg, null, "repository:team/app:pull");
      HttpResponse<byte[]> login = reg.send("GET", "/v2/team/app/tags/list", null, Map.of("Authorization", anonTeam));
      assertThat(login.statusCode()).isEqualTo(401);
      assertThat(login.headers().firstValue("WWW-Authenticate").orElseThrow()).doesNotContain("insufficient_scope");
      assertThat(text(login)).contains("UNAUTHORIZED");
      // the catalog: the token's subject sees what the rules let it pull
      assertThat(catalog(reg, "", "Bearer " + token(reg, basic("bob", "b"), "registry:catalog:*")))
          .containsExactly("bob/y", "team/app");
      assertThat(catalog(reg, "", "Bearer " + token(reg, basic("alice", "a"), "registry:catalog:*")))
          .containsExactly("private/x", "team/app");
      assertThat(reg.send("GET", "/v2/_catalog", null, Map.of("Authorization", "Bearer " + token(reg, null,
          "registry:catalog:*"))).statusCode()).as("anonymous callers get no catalog").isEqualTo(401);
    }
  }

  @Test
  void accessRulesWithUnknownActionsAreRefusedNamingTheRule() throws Exception {
    Path rules = tmp.resolve("access.json");
    Files.writeString(rules, "[{\"account\": \"x\", \"repository\": \"a\", \"actions\": [\"fly\"]}]");
    RegistryConfig bad = new RegistryConfig("127.0.0.1", 0, tmp.resolve("bad"), null, null, htpasswd(), true, 4096,
        rules);
    assertThatThrownBy(() -> Authorizers.from(bad.auth())).hasMessageContaining("rule 1").hasMessageContaining("fly");
  }

  @Test
  void expiredTokensAreRefused() {
    Tokens tokens = new Tokens(tmp.resolve("k"));
    String t = tokens.issue("alice", List.of(Scope.repository("a", "pull")), -10);
    assertThat(tokens.verify(t)).isNull();
    assertThat(tokens.verify(tokens.issue("alice", List.of(Scope.repository("a", "pull")), 60)))
        .isEqualTo(new Tokens.Claims("alice", List.of(Scope.repository("a", "pull"))));
    // the key survives a restart: a second instance accepts the first one's tokens
    assertThat(new Tokens(tmp.resolve("k")).verify(tokens.issue("alice", List.of(), 60)).access()).isEmpty();
  }

  @Test
  void htpasswdWithOtherHashKindsIsRefusedWithTheLine() throws Exception {
    Path f = tmp.resolve("bad");
    Files.writeString(f, "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
    RegistryConfig c = new RegistryConfig("127.0.0.1", 0, tmp.resolve("s"), null, null, f, false, 4096);
    assertThatThrownBy(() -> Authorizers.from(c.auth())).hasMessageContaining("line 1").hasMessageContaining("bcrypt");
  }

  private static String token(TestRegistry reg, String authorization, String scope) throws Exception {
    HttpResponse<byte[]> r = reg.send("GET", "/auth/token?service=berth-registry&scope=" + scope, null,
        authorization == null ? Map.of() : Map.of("Authorization", authorization));
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body()).path("token").asText();
  }
}
