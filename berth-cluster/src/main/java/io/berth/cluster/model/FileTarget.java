package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a secret or config appears in a task's container (Docker's SecretReferenceFileTarget):
 * the file's name (a secret's relative name is under {@code /run/secrets}, a config's under
 * {@code /}; an absolute one is taken as it is), its owner and group as numeric strings, and its
 * permission bits (the CLI sends 0444 by default).
 */
public record FileTarget(
    @JsonProperty("Name") String name,
    @JsonProperty("UID") String uid,
    @JsonProperty("GID") String gid,
    @JsonProperty("Mode") Integer mode) {
  /** Docker's default permission bits of a secret or config file. */
  public static final int DEFAULT_MODE = 0444;

  public FileTarget {
    name = name == null ? "" : name;
    uid = uid == null || uid.isEmpty() ? "0" : uid;
    gid = gid == null || gid.isEmpty() ? "0" : gid;
    mode = mode == null ? DEFAULT_MODE : mode;
  }
}
