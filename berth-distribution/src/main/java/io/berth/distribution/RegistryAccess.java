package io.berth.distribution;

import io.berth.http.TlsContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything about reaching registries that comes from outside a single pull or push: the
 * caller's credentials, the registries the daemon's configuration allows over plain HTTP
 * ({@code insecure-registries}: host:port entries or CIDRs), besides loopback, which always may,
 * and how many layers move at once ({@code max-concurrent-downloads}/{@code -uploads}).
 */
public record RegistryAccess(Credentials credentials, List<String> insecureRegistries, List<Path> certDirs,
    int maxDownloads, int maxUploads) {
  /**
   * Layers downloaded at once. Docker's default is 3; each layer's download, inflate and hashing
   * is one thread's work, so more at once keep more cores busy: on 2 cores the bench's pull of 7
   * layers took 2.4 s with 7 at once and 2.6 s with 3.
   */
  public static final int DEFAULT_DOWNLOADS = 6;
  public static final int DEFAULT_UPLOADS = 5; // Docker's
  /** Where Berth looks for a registry's {@code <host:port>/ca.crt}, then where Docker does. */
  public static final List<Path> DEFAULT_CERT_DIRS = List.of(Path.of("/etc/berth/certs.d"),
      Path.of("/etc/docker/certs.d"));
  public static final RegistryAccess ANONYMOUS = new RegistryAccess(Credentials.NONE, List.of(), DEFAULT_CERT_DIRS);

  public RegistryAccess {
    credentials = credentials == null ? Credentials.NONE : credentials;
    insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    certDirs = certDirs == null ? DEFAULT_CERT_DIRS : List.copyOf(certDirs);
    if (maxDownloads < 1 || maxUploads < 1) {
      throw new IllegalArgumentException("concurrent downloads and uploads must be at least 1");
    }
  }

  public RegistryAccess(Credentials credentials, List<String> insecureRegistries, List<Path> certDirs) {
    this(credentials, insecureRegistries, certDirs, DEFAULT_DOWNLOADS, DEFAULT_UPLOADS);
  }

  public RegistryAccess with(Credentials c) {
    return new RegistryAccess(c, insecureRegistries, certDirs, maxDownloads, maxUploads);
  }

  /**
   * The transport for a registry. A {@code certs.d/<domain>} directory means HTTPS with its CAs
   * ({@code *.crt}) and client certificate ({@code client.cert}/{@code client.key}), even on
   * loopback; otherwise loopback and insecure registries use plain HTTP and the rest HTTPS with
   * the JDK's CAs.
   */
  public RegistryTransport transport(String domain) {
    Path dir = certDirs.stream().map(d -> d.resolve(domain)).filter(Files::isDirectory).findFirst().orElse(null);
    if (dir == null) {
      return new RegistryTransport(domain, credentials, plainHttp(domain), null);
    }
    List<Path> cas = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".crt")).sorted().forEach(cas::add);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir, e);
    }
    Path cert = dir.resolve("client.cert");
    Path key = dir.resolve("client.key");
    boolean client = Files.exists(cert) && Files.exists(key);
    return new RegistryTransport(domain, credentials, false,
        TlsContexts.client(cas, client ? cert : null, client ? key : null));
  }

  /** Loopback, or listed as insecure by name or by a CIDR containing its address. */
  public boolean plainHttp(String domain) {
    if (RegistryTransport.isLoopback(domain)) {
      return true;
    }
    String host = domain.replaceFirst(":\\d+$", "").replaceAll("^\\[|]$", "");
    for (String entry : insecureRegistries) {
      if (entry.equals(domain) || entry.equals(host)) {
        return true;
      }
      if (entry.contains("/") && inCidr(host, entry)) {
        return true;
      }
    }
    return false;
  }

  private static boolean inCidr(String host, String cidr) {
    try {
      byte[] addr = InetAddress.getByName(host).getAddress();
      String[] p = cidr.split("/");
      byte[] net = InetAddress.getByName(p[0]).getAddress();
      int bits = Integer.parseInt(p[1]);
      if (addr.length != net.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((addr[i / 8] & mask) != (net[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
