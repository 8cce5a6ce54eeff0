package io.berth.oci;

import io.berth.errdefs.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * An image reference {@code [domain[:port]/]path[:tag][@digest]} with Docker's normalisation:
 * no domain means {@code docker.io}, a single-component path on docker.io gets {@code library/}.
 * {@link #repository()} gives the familiar form docker prints ({@code busybox},
 * {@code host:5000/a/b}).
 */
public record Reference(String domain, String path, String tag, Digest digest) {
  public static final String DEFAULT_DOMAIN = "docker.io";
  public static final String DEFAULT_TAG = "latest";
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?"
          + "|\\[[0-9a-fA-F:]+](?::[0-9]+)?");

  /** Parses and normalises; throws InvalidArgumentException naming the input when malformed. */
  public static Reference parse(String s) {
    if (s == null || s.isEmpty() || s.length() > 4096) {
      throw new InvalidArgumentException("invalid reference format: empty or too long");
    }
    if (HEX64.matcher(s).matches()) {
      throw new InvalidArgumentException("invalid repository name (" + s
          + "), cannot specify 64-byte hexadecimal strings");
    }
    String rest = s;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException("invalid reference format: bad digest in \"" + s + "\"");
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new InvalidArgumentException("invalid reference format: bad tag \"" + tag + "\" in \"" + s + "\"");
      }
    }
    String domain;
    String path;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost")
        || !first.equals(first.toLowerCase()))) {
      domain = first;
      path = rest.substring(slash + 1);
      if (!DOMAIN.matcher(domain).matches()) {
        throw new InvalidArgumentException("invalid reference format: bad registry \"" + domain + "\" in \"" + s + "\"");
      }
    } else {
      domain = DEFAULT_DOMAIN;
      path = rest;
    }
    if (domain.equals("index.docker.io")) {
      domain = DEFAULT_DOMAIN;
    }
    if (path.isEmpty()) {
      throw new InvalidArgumentException("invalid reference format: \"" + s + "\"");
    }
    for (String c : path.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches()) {
        if (!c.equals(c.toLowerCase())) {
          // named as Docker names it, normalised: "Busybox" is library/Busybox
          String shown = domain.equals(DEFAULT_DOMAIN) && !path.contains("/") ? "library/" + path : path;
          throw new InvalidArgumentException("invalid reference format: repository name (" + shown
              + ") must be lowercase");
        }
        throw new InvalidArgumentException("invalid reference format: \"" + s + "\"");
      }
    }
    if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (domain.length() + path.length() + 1 > 255) {
      throw new InvalidArgumentException("invalid reference format: repository name must not be more than 255 characters");
    }
    return new Reference(domain, path, tag, digest);
  }

  /** Same reference with {@code latest} when neither tag nor digest was given. */
  public Reference withDefaultTag() {
    return tag == null && digest == null ? new Reference(domain, path, DEFAULT_TAG, null) : this;
  }

  /** Fully qualified repository, e.g. {@code docker.io/library/busybox}. */
  public String name() {
    return domain + "/" + path;
  }

  /** Repository as docker shows it: {@code busybox}, {@code shop/order}, {@code host:5000/a/b}. */
  public String repository() {
    if (domain.equals(DEFAULT_DOMAIN)) {
      return path.startsWith("library/") && path.indexOf('/', 8) < 0 ? path.substring(8) : path;
    }
    return domain + "/" + path;
  }

  /** {@code repository:tag} (or {@code @digest}) as docker shows it. */
  public String familiarString() {
    StringBuilder sb = new StringBuilder(repository());
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (digest != null) {
      sb.append('@').append(digest);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name());
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (digest != null) {
      sb.append('@').append(digest);
    }
    return sb.toString();
  }
}
