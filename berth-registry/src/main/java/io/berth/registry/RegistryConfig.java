package io.berth.registry;

import java.nio.file.Path;

/**
 * Everything a registry instance needs, whether started by {@code berth registry serve} or inside
 * berthd. {@code tlsCert}/{@code tlsKey} are PEM files (both or neither); {@code htpasswd} turns
 * on authentication; {@code tokenAuth} makes the registry answer with the Docker token flow
 * (Bearer challenges, tokens from its own issuer at {@code /auth/token}) instead of basic auth.
 */
public record RegistryConfig(
    String host,
    int port,
    Path storage,
    Path tlsCert,
    Path tlsKey,
    Path htpasswd,
    boolean tokenAuth,
    long maxManifestBytes) {

  public static final long DEFAULT_MAX_MANIFEST = 4L * 1024 * 1024;

  public static RegistryConfig plain(String host, int port, Path storage) {
    return new RegistryConfig(host, port, storage, null, null, null, false, DEFAULT_MAX_MANIFEST);
  }

  public boolean tls() {
    return tlsCert != null;
  }
}
