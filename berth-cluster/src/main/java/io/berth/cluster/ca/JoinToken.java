package io.berth.cluster.ca;

import io.berth.errdefs.InvalidArgumentException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A join token in Docker's form {@code SWMTKN-1-<CA digest>-<secret>}: the SHA-256 digest of the
 * cluster's root certificate in 50 base-36 characters, so the joining node can pin the CA before
 * it trusts anything the manager says, and 128 random bits in 25 base-36 characters that the
 * manager checks. Parsing refuses a malformed token naming the part that is wrong.
 */
public record JoinToken(String caDigest, String secret) {
  static final String PREFIX = "SWMTKN";
  static final int DIGEST_CHARS = 50;
  static final int SECRET_CHARS = 25;
  private static final int SECRET_BYTES = 16;

  /** A fresh token for the CA whose digest is {@code caDigest} ({@code sha256:<hex>}). */
  public static JoinToken generate(String caDigest, SecureRandom random) {
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    return new JoinToken(caDigest, Base36.encode(new BigInteger(1, secret), SECRET_CHARS));
  }

  /** The token's text. */
  public String render() {
    BigInteger digest = new BigInteger(1, HexFormat.of().parseHex(caDigest.substring("sha256:".length())));
    return PREFIX + "-1-" + Base36.encode(digest, DIGEST_CHARS) + "-" + secret;
  }

  @Override
  public String toString() {
    return PREFIX + "-1-(digest " + caDigest + ")-(secret hidden)";
  }

  /** Reads a token, refusing it with the reason when it is not a version-1 swarm join token. */
  public static JoinToken parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidArgumentException("join token is empty");
    }
    String[] parts = text.trim().split("-", -1);
    if (!parts[0].equals(PREFIX)) {
      throw new InvalidArgumentException("invalid join token: it must start with \"SWMTKN-\"");
    }
    if (parts.length > 1 && parts[1].equals("2")) {
      throw new InvalidArgumentException("invalid join token: version 2 (FIPS) tokens are not supported");
    }
    if (parts.length < 2 || !parts[1].equals("1")) {
      throw new InvalidArgumentException("invalid join token: unknown version \""
          + (parts.length < 2 ? "" : parts[1]) + "\" (expected SWMTKN-1-...)");
    }
    if (parts.length != 4) {
      throw new InvalidArgumentException("invalid join token: expected 4 parts separated by '-', found "
          + parts.length);
    }
    String digestText = parts[2];
    if (digestText.length() != DIGEST_CHARS) {
      throw new InvalidArgumentException("invalid join token: the CA digest must be " + DIGEST_CHARS
          + " base36 characters, found " + digestText.length());
    }
    BigInteger digest = Base36.decode(digestText);
    if (digest == null || digest.bitLength() > 256) {
      throw new InvalidArgumentException("invalid join token: the CA digest is not a base36 SHA-256 value");
    }
    String secret = parts[3];
    if (secret.length() != SECRET_CHARS || Base36.decode(secret) == null) {
      throw new InvalidArgumentException("invalid join token: the secret must be " + SECRET_CHARS
          + " base36 characters [0-9a-z], found " + secret.length() + " characters");
    }
    String hex = digest.toString(16);
    return new JoinToken("sha256:" + "0".repeat(64 - hex.length()) + hex, secret);
  }
}
