package io.berth.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index points at. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations,
    Platform platform) {
  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest.toString(), size, null, null);
  }

  /** Platform of an index entry. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Platform(String architecture, String os, String variant) {}
}
