package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A secret a service's tasks get (Docker's ContainerSpec.Secrets entry): the secret by id and
 * name (the CLI resolves a name to both), and the file it becomes.
 */
public record SecretReference(
    @JsonProperty("File") FileTarget file,
    @JsonProperty("SecretID") String secretId,
    @JsonProperty("SecretName") String secretName) {
  public SecretReference {
    secretId = secretId == null ? "" : secretId;
    secretName = secretName == null ? "" : secretName;
  }
}
