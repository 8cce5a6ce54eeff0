package io.berth.oci;

import io.berth.errdefs.InvalidArgumentException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A content address, {@code algorithm:hex}: sha256, or sha512, which the OCI image and
 * distribution specs also allow. Berth's own ids and chain ids are always sha256; sha512 is
 * computed only where content arrives addressed that way (the registry's uploads and
 * manifests). Parsing is strict so a digest can safely become a file name in the content store.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  /** The algorithms Berth parses, computes and stores, in order of preference. */
  public static final List<String> ALGORITHMS = List.of("sha256", "sha512");
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

  public Digest {
    boolean ok = switch (algorithm) {
      case "sha256" -> hex != null && SHA256.matcher(hex).matches();
      case "sha512" -> hex != null && SHA512.matcher(hex).matches();
      default -> false;
    };
    if (!ok) {
      throw new InvalidArgumentException("invalid digest: " + algorithm + ":" + hex);
    }
  }

  /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}; throws {@link InvalidArgumentException} naming the input. */
  public static Digest parse(String s) {
    if (s == null) {
      throw new InvalidArgumentException("invalid digest: null");
    }
    int i = s.indexOf(':');
    if (i <= 0) {
      throw new InvalidArgumentException("invalid digest: " + s);
    }
    return new Digest(s.substring(0, i), s.substring(i + 1));
  }

  public static Digest sha256(byte[] data) {
    return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(data)));
  }

  public static Digest ofSha256(MessageDigest finished) {
    return new Digest("sha256", HexFormat.of().formatHex(finished.digest()));
  }

  /** The digest of {@code data} by {@code algorithm} (sha256 or sha512). */
  public static Digest of(String algorithm, byte[] data) {
    return fromSum(algorithm, hasher(algorithm).digest(data));
  }

  /** Finishes a hasher from {@link #hasher(String)} of the same algorithm. */
  public static Digest of(String algorithm, MessageDigest finished) {
    return fromSum(algorithm, finished.digest());
  }

  private static Digest fromSum(String algorithm, byte[] sum) {
    return new Digest(algorithm, HexFormat.of().formatHex(sum));
  }

  /** Whether {@code algorithm} is one of {@link #ALGORITHMS}. */
  public static boolean supported(String algorithm) {
    return ALGORITHMS.contains(algorithm);
  }

  /**
   * A fresh hasher for {@code algorithm}: {@link #newSha256()} for sha256, the JDK's SHA-512 for
   * sha512; any other is refused with {@link InvalidArgumentException} naming it.
   */
  public static MessageDigest hasher(String algorithm) {
    return switch (algorithm) {
      case "sha256" -> newSha256();
      case "sha512" -> {
        try {
          yield MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("JDK without SHA-512", e);
        }
      }
      default -> throw new InvalidArgumentException("unsupported digest algorithm " + algorithm
          + " (sha256 and sha512 are)");
    };
  }

  /** SHA-256 by OpenSSL where it can be used (see {@link NativeSha256}), else the JDK's. */
  public static MessageDigest newSha256() {
    MessageDigest fast = NativeSha256.create();
    if (fast != null) {
      return fast;
    }
    return jdkSha256();
  }

  static MessageDigest jdkSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }

  /** The first 12 hex characters, as docker shows ids. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
