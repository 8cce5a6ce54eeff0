package io.berth.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files docker users already have: the daemon's {@code --tlscert}/{@code --tlskey}/
 * {@code --tlscacert}, a registry's {@code certs.d}, the client's {@code ca.pem}, {@code cert.pem}
 * and {@code key.pem} under {@code DOCKER_CERT_PATH}. The JDK reads only DER PKCS#8 keys, while
 * openssl writes RSA keys as PKCS#1 and EC keys as SEC1; this class wraps those in the PKCS#8
 * envelope so no crypto library is needed.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  /** AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
  private static final byte[] RSA_ALG = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
      0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** OID id-ecPublicKey (1.2.840.10045.2.1). */
  private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private Pem() {}

  /**
   * The certificates of a PEM file in order (a CA bundle or a chain may hold several; other blocks
   * such as a key are skipped); empty when there is none, which callers refuse in their own words.
   */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
        }
      }
      return out;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("could not read certificate " + file + ": " + e.getMessage(), e);
    }
  }

  /** The private key of a PEM file: PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted keys are refused. */
  public static PrivateKey privateKey(Path file) throws IOException {
    Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
    while (m.find()) {
      String type = m.group(1);
      byte[] der = decode(m.group(2));
      try {
        PrivateKey key = switch (type) {
          case "PRIVATE KEY" -> pkcs8(der, file);
          case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(wrap(RSA_ALG, der)));
          case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(wrap(ecAlgorithm(der, file), der)));
          case "ENCRYPTED PRIVATE KEY" -> throw new IOException(
              "encrypted private key " + file + " is not supported: decrypt it with 'openssl pkey'");
          default -> null; // a certificate or parameters block: keep looking
        };
        if (key != null) {
          return key;
        }
      } catch (GeneralSecurityException e) {
        throw new IOException("could not read private key " + file + ": " + e.getMessage(), e);
      }
    }
    throw new IOException("no private key found in " + file);
  }

  private static byte[] decode(String base64) {
    return Base64.getMimeDecoder().decode(base64);
  }

  private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException("unsupported private key algorithm in " + file);
  }

  /** AlgorithmIdentifier for an EC key: the curve comes from the SEC1 structure's [0] field. */
  private static byte[] ecAlgorithm(byte[] sec1, Path file) throws IOException {
    Der d = new Der(sec1);
    d.enter(0x30);
    d.skip(0x02);
    d.skip(0x04);
    if (d.peek() != 0xa0) {
      throw new IOException("EC private key " + file + " does not name its curve");
    }
    byte[] curve = d.contents(0xa0);
    return tlv(0x30, concat(EC_OID, curve));
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING key }. */
  static byte[] wrap(byte[] algorithm, byte[] key) {
    return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
  }

  static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Just enough of a DER reader to walk a SEC1 key. */
  private static final class Der {
    private final byte[] b;
    private int pos;

    Der(byte[] b) {
      this.b = b;
    }

    int peek() {
      return pos < b.length ? b[pos] & 0xff : -1;
    }

    private int header(int tag) throws IOException {
      if (peek() != tag) {
        throw new IOException("malformed DER: expected tag " + Integer.toHexString(tag) + " at " + pos);
      }
      pos++;
      int len = b[pos++] & 0xff;
      if (len >= 0x80) {
        int count = len & 0x7f;
        len = 0;
        for (int i = 0; i < count; i++) {
          len = (len << 8) | (b[pos++] & 0xff);
        }
      }
      if (len < 0 || pos + len > b.length) {
        throw new IOException("malformed DER: length out of range");
      }
      return len;
    }

    void enter(int tag) throws IOException {
      header(tag);
    }

    void skip(int tag) throws IOException {
      int len = header(tag);
      pos += len;
    }

    byte[] contents(int tag) throws IOException {
      int len = header(tag);
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + len);
      pos += len;
      return out;
    }
  }
}
