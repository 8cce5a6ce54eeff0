package io.berth.runtime;

import java.nio.file.Path;

/**
 * Where the runtime keeps its state, so that two daemons on one host never share runc state,
 * exit files or cgroups.
 *
 * @param runc runc binary (name on PATH or absolute path)
 * @param conmon conmon binary
 * @param runcRoot runc's {@code --root}
 * @param cgroupParent parent cgroup of every container (cgroupfs driver)
 * @param exitDir where conmon writes {@code <id>} files with exit codes
 * @param socketDir where conmon links attach sockets (kept short: unix paths max 108 bytes)
 */
public record RuntimeConfig(String runc, String conmon, Path runcRoot, String cgroupParent, Path exitDir,
    Path socketDir) {}
