package io.berth.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.ErrorText;
import io.berth.errdefs.UnavailableException;
import io.berth.oci.Json;
import io.berth.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Berth talks to one registry: which scheme it uses (plain HTTP only for loopback and the
 * daemon's insecure registries), and how it answers a 401 challenge: Basic with the caller's
 * credentials, or Bearer with a token fetched from the challenge's realm (with the credentials
 * when there are some, anonymously otherwise), cached per scope. Pull and push logic sit on top of
 * it and never see credentials or tokens.
 */
public final class RegistryTransport {
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private final HttpClient http;
  private final String domain;
  private final Credentials credentials;
  private final boolean plainHttp;
  private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean basic;

  /** Anonymous; plain HTTP only for loopback. */
  public RegistryTransport(String domain) {
    this(domain, Credentials.NONE, isLoopback(domain), null);
  }

  /** {@code tls} null means the JDK's default trust. */
  public RegistryTransport(String domain, Credentials credentials, boolean plainHttp, javax.net.ssl.SSLContext tls) {
    this.domain = domain;
    this.credentials = credentials == null ? Credentials.NONE : credentials;
    this.plainHttp = plainHttp;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
  }

  public String domain() {
    return domain;
  }

  /** {@code scheme://domain/v2/<repository path>}, without a trailing slash. */
  public String base(Reference ref) {
    return root() + "/v2/" + ref.path();
  }

  /** {@code scheme://domain}. */
  public String root() {
    return (plainHttp ? "http://" : "https://") + domain;
  }

  /**
   * Sends a request for {@code scope} (e.g. {@code repository:ns/app:pull,push}), answering one
   * 401 challenge with a token and sending again. The caller judges the final status.
   */
  public <T> HttpResponse<T> send(HttpRequest.Builder request, String scope, HttpResponse.BodyHandler<T> body) {
    for (int attempt = 0; ; attempt++) {
      String token = tokens.get(scope);
      HttpRequest.Builder b = request.copy();
      // whether THIS request carried the credentials: uploads run in parallel, and another one may
      // have learnt of the Basic challenge while this one was on its way without them
      boolean sentBasic = false;
      if (token != null) {
        b.setHeader("Authorization", "Bearer " + token);
      } else if (basic && credentials.basic() != null) {
        b.setHeader("Authorization", credentials.basic());
        sentBasic = true;
      }
      HttpRequest req = b.build();
      HttpResponse<T> r;
      try {
        r = http.send(req, body);
      } catch (IOException e) {
        throw new UnavailableException("cannot reach registry " + domain + ": " + ErrorText.of(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted");
      }
      if (r.statusCode() != 401 || attempt > 0) {
        return r;
      }
      discard(r);
      String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
      if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
        if (credentials.basic() == null || sentBasic) {
          return resend(b, body); // nothing (more) to try: the caller reports the 401
        }
        basic = true;
        continue;
      }
      tokens.put(scope, token(challenge, scope));
    }
  }

  private <T> HttpResponse<T> resend(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request.copy().build(), body);
    } catch (IOException e) {
      throw new UnavailableException("cannot reach registry " + domain + ": " + ErrorText.of(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted");
    }
  }

  /**
   * Logs in as {@code docker login} does: {@code GET /v2/}, answering its challenge with the
   * credentials. Returns normally when the registry accepts them.
   */
  public void login() {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(root() + "/v2/")).GET(), "",
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new io.berth.errdefs.UnauthorizedException("login to " + domain + " failed: unauthorized: "
          + "incorrect username or password");
    }
    if (r.statusCode() != 200) {
      throw new UnavailableException("registry " + domain + " answered " + r.statusCode() + " to /v2/");
    }
  }

  /** A bearer token from the challenge's realm, asked with the credentials when there are some. */
  private String token(String challenge, String scope) {
    if (!challenge.startsWith("Bearer ")) {
      throw new UnavailableException("registry " + domain + " asks for credentials this client cannot give ("
          + challenge + ")");
    }
    Map<String, String> p = new HashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      p.put(m.group(1), m.group(2));
    }
    String realm = p.get("realm");
    if (realm == null) {
      throw new UnavailableException("registry " + domain + " sent a bearer challenge without realm");
    }
    StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (p.containsKey("service")) {
      url.append("service=").append(URLEncoder.encode(p.get("service"), StandardCharsets.UTF_8)).append('&');
    }
    String wanted = p.getOrDefault("scope", scope);
    if (!wanted.isEmpty()) {
      for (String one : wanted.split(" ")) {
        url.append("scope=").append(URLEncoder.encode(one, StandardCharsets.UTF_8)).append('&');
      }
    }
    if (credentials.username() != null) {
      url.append("account=").append(URLEncoder.encode(credentials.username(), StandardCharsets.UTF_8));
    }
    try {
      HttpRequest.Builder tb = HttpRequest.newBuilder(URI.create(url.toString())).GET();
      if (credentials.basic() != null) {
        tb.header("Authorization", credentials.basic());
      }
      HttpResponse<byte[]> r = http.send(tb.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        throw new io.berth.errdefs.UnauthorizedException("unauthorized: incorrect username or password for " + domain);
      }
      if (r.statusCode() != 200) {
        throw new UnavailableException("token service " + realm + " answered " + r.statusCode());
      }
      JsonNode t = Json.read(r.body(), JsonNode.class, "token response");
      String tok = t.path("token").asText(t.path("access_token").asText(""));
      if (tok.isEmpty()) {
        throw new UnavailableException("token service " + realm + " returned no token");
      }
      return tok;
    } catch (IOException e) {
      throw new UnavailableException("token service " + realm + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted");
    }
  }

  /** Closes an unread streaming body so the connection can be reused. */
  static void discard(HttpResponse<?> r) {
    if (r.body() instanceof InputStream in) {
      try {
        in.close();
      } catch (IOException ignored) {
        // discarded
      }
    }
  }

  public static boolean isLoopback(String domain) {
    String host = domain.replaceFirst(":\\d+$", "");
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }
}
