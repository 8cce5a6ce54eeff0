package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Docker's TLSInfo, on the swarm and on each node's description: the trusted root certificates
 * as PEM, and who issues (or, on the swarm, should issue) the leaf certificate, as the issuer's
 * DER subject and DER public key in base64 (Go's {@code []byte} on the wire). {@code docker swarm
 * ca --rotate} compares every node's issuer and trust root with the swarm's to show progress.
 */
public record TlsInfo(
    @JsonProperty("TrustRoot") String trustRoot,
    @JsonProperty("CertIssuerSubject") String certIssuerSubject,
    @JsonProperty("CertIssuerPublicKey") String certIssuerPublicKey) {
  public static final TlsInfo NONE = new TlsInfo("", null, null);

  public TlsInfo {
    trustRoot = trustRoot == null ? "" : trustRoot;
  }

  /** Only the trust root known (no issuer). */
  public TlsInfo(String trustRoot) {
    this(trustRoot, null, null);
  }
}
