package io.berth.registry;

import io.berth.registry.auth.AuthConfig;
import java.nio.file.Path;

/**
 * Everything a registry instance needs, whether started by {@code berth registry serve} or inside
 * berthd. {@code tlsCert}/{@code tlsKey} are PEM files (both or neither); {@code htpasswd} turns
 * on authentication; {@code tokenAuth} makes the registry answer with the Docker token flow
 * (Bearer challenges, tokens from its own issuer at {@code /auth/token}) instead of basic auth;
 * {@code access} names a JSON file of per-repository rules ({@link io.berth.registry.auth.AccessRules}).
 */
public record RegistryConfig(
    String host,
    int port,
    Path storage,
    Path tlsCert,
    Path tlsKey,
    Path htpasswd,
    boolean tokenAuth,
    long maxManifestBytes,
    Path access) {

  public static final long DEFAULT_MAX_MANIFEST = 4L * 1024 * 1024;

  /** Without an access file: everyone who logs in may pull and push every repository. */
  public RegistryConfig(String host, int port, Path storage, Path tlsCert, Path tlsKey, Path htpasswd,
      boolean tokenAuth, long maxManifestBytes) {
    this(host, port, storage, tlsCert, tlsKey, htpasswd, tokenAuth, maxManifestBytes, null);
  }

  public static RegistryConfig plain(String host, int port, Path storage) {
    return new RegistryConfig(host, port, storage, null, null, null, false, DEFAULT_MAX_MANIFEST);
  }

  public boolean tls() {
    return tlsCert != null;
  }

  /** What authentication is built from; the token signing key lives with the storage. */
  public AuthConfig auth() {
    return new AuthConfig(htpasswd, tokenAuth, access, storage.resolve("token.key"), tls());
  }
}
