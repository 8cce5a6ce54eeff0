package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a node's agent reports about its machine: hostname, platform, total resources, engine, and
 * the TLS material it holds now (the roots it trusts, its certificate's issuer), which a root CA
 * rotation waits on.
 */
public record NodeDescription(
    @JsonProperty("Hostname") String hostname,
    @JsonProperty("Platform") Platform platform,
    @JsonProperty("Resources") Resources resources,
    @JsonProperty("Engine") EngineDescription engine,
    @JsonProperty("TLSInfo") TlsInfo tlsInfo) {
  public NodeDescription {
    hostname = hostname == null ? "" : hostname;
    platform = platform == null ? new Platform("", "") : platform;
    resources = resources == null ? Resources.NONE : resources;
    engine = engine == null ? new EngineDescription("", null) : engine;
    tlsInfo = tlsInfo == null ? TlsInfo.NONE : tlsInfo;
  }

  /** A description without TLS information (the node's session adds it). */
  public NodeDescription(String hostname, Platform platform, Resources resources, EngineDescription engine) {
    this(hostname, platform, resources, engine, null);
  }

  public NodeDescription withTlsInfo(TlsInfo value) {
    return new NodeDescription(hostname, platform, resources, engine, value);
  }
}
