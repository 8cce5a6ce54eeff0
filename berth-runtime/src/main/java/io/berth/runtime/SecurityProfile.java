package io.berth.runtime;

import java.util.List;

/**
 * A container's confinement beyond capabilities, from {@code --security-opt} and
 * {@code systempaths=unconfined}; already validated by the caller.
 *
 * @param seccomp null for Berth's default profile, {@link #UNCONFINED} for none, otherwise a
 *     profile in Docker's JSON format ({@link DockerSeccomp} translates it)
 * @param apparmorProfile the AppArmor profile to run under; null to set none
 * @param maskedPaths paths hidden in the container; null for Docker's default list
 * @param readonlyPaths paths made read-only in the container; null for Docker's default list
 */
public record SecurityProfile(String seccomp, boolean noNewPrivileges, String apparmorProfile,
    List<String> maskedPaths, List<String> readonlyPaths) {
  public static final String UNCONFINED = "unconfined";
  public static final SecurityProfile DEFAULT = new SecurityProfile(null, false, null, null, null);
}
