package io.berth.build.dockerfile;

import java.util.List;

/**
 * A Dockerfile instruction whose shape was checked. Arguments are still raw (variables are
 * expanded when the build evaluates them, because ARG and ENV values change as stages run).
 * Every instruction keeps its {@link Node} so errors and image history can point at the line.
 */
public sealed interface Instruction {
  Node source();

  /** {@code FROM [--platform=p] image [AS name]}. */
  record From(Node source, String image, String stageName, String platform) implements Instruction {}

  /** RUN in exec form ({@code shell} false) or shell form; heredocs hold scripts. */
  record Run(Node source, List<String> command, boolean shell, List<Node.Heredoc> heredocs, String network)
      implements Instruction {}

  record Cmd(Node source, List<String> command, boolean shell) implements Instruction {}

  record Entrypoint(Node source, List<String> command, boolean shell) implements Instruction {}

  /** A raw {@code key=value} pair of ENV or LABEL; both sides are expanded at evaluation. */
  record KeyValue(String key, String value) {}

  record Env(Node source, List<KeyValue> pairs) implements Instruction {}

  record Label(Node source, List<KeyValue> pairs) implements Instruction {}

  /** One {@code ARG name[=default]}; {@code defaultValue} null when none was given. */
  record ArgDef(String name, String defaultValue) {}

  record Arg(Node source, List<ArgDef> args) implements Instruction {}

  record Expose(Node source, List<String> ports) implements Instruction {}

  record Volume(Node source, List<String> paths) implements Instruction {}

  record Workdir(Node source, String path) implements Instruction {}

  record User(Node source, String user) implements Instruction {}

  /**
   * COPY or ADD ({@code add} true): sources and destination, raw; {@code from} names a stage or an
   * image; heredoc sources appear in {@code heredocs} by name.
   */
  record Copy(Node source, boolean add, List<String> sources, String dest, String from, String chown,
      String chmod, String checksum, List<Node.Heredoc> heredocs) implements Instruction {}

  /** HEALTHCHECK NONE ({@code test} == [NONE]) or CMD with its options, durations as written. */
  record Healthcheck(Node source, List<String> test, String interval, String timeout, String startPeriod,
      String startInterval, Integer retries) implements Instruction {}

  record Shell(Node source, List<String> shell) implements Instruction {}

  record StopSignal(Node source, String signal) implements Instruction {}

  /** ONBUILD: the trigger instruction, already checked, run when a build uses this image as base. */
  record Onbuild(Node source, String trigger) implements Instruction {}

  record Maintainer(Node source, String name) implements Instruction {}
}
