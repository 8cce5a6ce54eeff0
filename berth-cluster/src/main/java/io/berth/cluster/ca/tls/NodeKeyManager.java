package io.berth.cluster.ca.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the node's current certificate chain, the only identity a node has, to any peer (as
 * client and as server).
 */
public final class NodeKeyManager extends X509ExtendedKeyManager {
  static final String ALIAS = "node";
  private final NodeCredentials credentials;

  public NodeKeyManager(NodeCredentials credentials) {
    this.credentials = credentials;
  }

  /**
   * "EC" (an EC key) and "EC_EC" (an EC key signed with ECDSA, as TLS 1.2 and Netty's OpenSSL
   * bridge may ask) both describe a node certificate.
   */
  private String aliasFor(String keyType) {
    return keyType != null && (keyType.equalsIgnoreCase("EC") || keyType.equalsIgnoreCase("EC_EC")) ? ALIAS : null;
  }

  private String aliasFor(String[] keyTypes) {
    for (String k : keyTypes) {
      if (aliasFor(k) != null) {
        return ALIAS;
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliasFor(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias)
        ? credentials.current().certificate().chain().toArray(X509Certificate[]::new)
        : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? credentials.current().key() : null;
  }
}
