package io.berth.cli.session;

/**
 * Marks the {@code berth} command itself. Commands are registered into groups before the groups
 * join the tree, so a command learns which top-level command it belongs to by walking up to the
 * first command that is a root (see {@link Cli#builds}).
 */
public interface RootCommand {}
