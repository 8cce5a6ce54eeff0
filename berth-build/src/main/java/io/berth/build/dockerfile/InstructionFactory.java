package io.berth.build.dockerfile;

import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks each parsed {@link Node} against what its instruction accepts (argument count, flags,
 * forms) and turns it into an {@link Instruction}. Every refusal names the file, line and text.
 */
public final class InstructionFactory {
  private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9_.-]*");
  private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Map<String, Set<String>> FLAGS = Map.ofEntries(
      Map.entry("FROM", Set.of("platform")),
      Map.entry("RUN", Set.of("mount", "network", "security")),
      Map.entry("COPY", Set.of("from", "chown", "chmod", "link", "parents", "exclude")),
      Map.entry("ADD", Set.of("chown", "chmod", "link", "checksum", "keep-git-dir", "exclude")),
      Map.entry("HEALTHCHECK", Set.of("interval", "timeout", "start-period", "start-interval", "retries")));

  private final String file;
  private final char escape;

  public InstructionFactory(String file, char escape) {
    this.file = file;
    this.escape = escape;
  }

  /** A checked Dockerfile: its instructions and its escape character (the escape directive). */
  public record Dockerfile(List<Instruction> instructions, char escape) {}

  /** Parses and checks a whole Dockerfile. */
  public static List<Instruction> parse(String file, String text) {
    return read(file, text).instructions();
  }

  /** As {@link #parse}, keeping the escape character, which variable expansion uses too. */
  public static Dockerfile read(String file, String text) {
    DockerfileParser.Parsed p = DockerfileParser.parse(file, text);
    InstructionFactory f = new InstructionFactory(file, p.escape());
    List<Instruction> out = new ArrayList<>();
    for (Node n : p.nodes()) {
      out.add(f.create(n));
    }
    return new Dockerfile(out, p.escape());
  }

  public Instruction create(Node n) {
    Set<String> allowed = FLAGS.getOrDefault(n.keyword(), Set.of());
    for (String flag : n.flags().keySet()) {
      if (!allowed.contains(flag)) {
        throw error(n, "unknown flag: --" + flag + " for " + n.keyword());
      }
    }
    try {
      return switch (n.keyword()) {
        case "FROM" -> from(n);
        case "RUN" -> run(n);
        case "CMD" -> new Instruction.Cmd(n, command(n), !n.json());
        case "ENTRYPOINT" -> new Instruction.Entrypoint(n, command(n), !n.json());
        case "ENV" -> new Instruction.Env(n, pairs(n, "ENV"));
        case "LABEL" -> new Instruction.Label(n, pairs(n, "LABEL"));
        case "ARG" -> arg(n);
        case "EXPOSE" -> new Instruction.Expose(n, atLeastOne(n, words(n)));
        case "VOLUME" -> new Instruction.Volume(n, atLeastOne(n, n.json() ? n.args() : words(n)));
        case "WORKDIR" -> new Instruction.Workdir(n, single(n));
        case "USER" -> new Instruction.User(n, single(n));
        case "COPY", "ADD" -> copy(n);
        case "HEALTHCHECK" -> healthcheck(n);
        case "SHELL" -> shell(n);
        case "STOPSIGNAL" -> new Instruction.StopSignal(n, single(n));
        case "ONBUILD" -> onbuild(n);
        case "MAINTAINER" -> new Instruction.Maintainer(n, single(n));
        default -> throw error(n, "unknown instruction: " + n.keyword());
      };
    } catch (InvalidArgumentException e) {
      if (e.getMessage().startsWith("dockerfile parse error")) {
        throw e;
      }
      throw error(n, e.getMessage());
    }
  }

  private InvalidArgumentException error(Node n, String problem) {
    return SyntaxErrors.at(file, n.startLine(), n.original(), problem);
  }

  private Instruction from(Node n) {
    List<String> w = words(n);
    if (w.size() == 1) {
      return new Instruction.From(n, w.getFirst(), null, n.flag("platform"));
    }
    if (w.size() == 3 && w.get(1).equalsIgnoreCase("AS")) {
      String name = w.get(2).toLowerCase(Locale.ROOT);
      if (!STAGE_NAME.matcher(name).matches()) {
        throw error(n, "invalid name for build stage: \"" + w.get(2) + "\", name can't start with a number or "
            + "contain symbols");
      }
      return new Instruction.From(n, w.getFirst(), name, n.flag("platform"));
    }
    throw error(n, "FROM requires either one or three arguments (image [AS name])");
  }

  private List<String> command(Node n) {
    if (n.json()) {
      if (n.args().isEmpty() && !n.keyword().equals("CMD") && !n.keyword().equals("ENTRYPOINT")) {
        throw error(n, n.keyword() + " requires at least one argument");
      }
      return n.args();
    }
    if (n.rest().isEmpty() && n.heredocs().isEmpty()) {
      throw error(n, n.keyword() + " requires at least one argument");
    }
    return List.of(n.rest());
  }

  private List<Instruction.KeyValue> pairs(Node n, String what) {
    List<String> w = ShellLex.splitWords(n.rest(), escape);
    if (w.isEmpty()) {
      throw error(n, what + " requires at least one argument");
    }
    List<Instruction.KeyValue> out = new ArrayList<>();
    if (!w.getFirst().contains("=")) {
      if (w.size() < 2) {
        throw error(n, what + " names can not be blank (use " + what + " name=value or " + what + " name value)");
      }
      String key = w.getFirst();
      String value = n.rest().substring(n.rest().indexOf(key) + key.length()).strip();
      out.add(new Instruction.KeyValue(key, value));
      return out;
    }
    for (String word : w) {
      int eq = word.indexOf('=');
      if (eq < 0) {
        throw error(n, "Syntax error - can't find = in \"" + word + "\". Must be of the form: name=value");
      }
      if (eq == 0) {
        throw error(n, what + " names can not be blank");
      }
      out.add(new Instruction.KeyValue(word.substring(0, eq), word.substring(eq + 1)));
    }
    return out;
  }

  private Instruction arg(Node n) {
    List<String> w = ShellLex.splitWords(n.rest(), escape);
    if (w.isEmpty()) {
      throw error(n, "ARG requires at least one argument");
    }
    List<Instruction.ArgDef> out = new ArrayList<>();
    for (String word : w) {
      int eq = word.indexOf('=');
      String name = eq < 0 ? word : word.substring(0, eq);
      if (!ARG_NAME.matcher(name).matches()) {
        throw error(n, "invalid ARG name: \"" + name + "\"");
      }
      out.add(new Instruction.ArgDef(name, eq < 0 ? null : word.substring(eq + 1)));
    }
    return new Instruction.Arg(n, out);
  }

  private List<String> words(Node n) {
    return n.json() ? n.args() : ShellLex.splitWords(n.rest(), escape);
  }

  private List<String> atLeastOne(Node n, List<String> w) {
    if (w.isEmpty()) {
      throw error(n, n.keyword() + " requires at least one argument");
    }
    return w;
  }

  private String single(Node n) {
    String v = n.json() ? String.join(" ", n.args()) : n.rest();
    if (v.isEmpty()) {
      throw error(n, n.keyword() + " requires exactly one argument");
    }
    if (n.keyword().equals("STOPSIGNAL") && ShellLex.splitWords(v, escape).size() != 1) {
      throw error(n, "STOPSIGNAL requires exactly one argument");
    }
    return v;
  }

  /**
   * RUN's flags come from BuildKit. --network is applied; --mount and an insecure --security
   * change what the step does, so they are refused rather than ignored (Docker's classic builder
   * refuses every RUN flag).
   */
  private Instruction run(Node n) {
    requiresBuildKit(n, "mount");
    String security = n.flag("security");
    if (security != null && !security.equals("sandbox")) {
      throw error(n, "--security=" + security + " is not supported (only sandbox, the default)");
    }
    String network = n.flag("network");
    if (network != null && !Set.of("default", "none", "host").contains(network)) {
      throw error(n, "unsupported network mode for RUN: " + network + " (default, none or host)");
    }
    return new Instruction.Run(n, command(n), !n.json(), n.heredocs(), network);
  }

  private void requiresBuildKit(Node n, String flag) {
    if (n.flags().containsKey(flag)) {
      throw error(n, "the --" + flag + " option requires BuildKit, which this builder does not implement");
    }
  }

  private Instruction copy(Node n) {
    // --link changes how BuildKit caches the layer, not its content, so it is accepted as is
    for (String flag : List.of("parents", "exclude", "keep-git-dir")) {
      requiresBuildKit(n, flag);
    }
    List<String> w = words(n);
    if (w.size() < 2) {
      throw error(n, n.keyword() + " requires at least two arguments, but only one was provided. Destination "
          + "could not be determined");
    }
    if (n.keyword().equals("ADD") && n.flag("from") != null) {
      throw error(n, "ADD does not support --from; use COPY --from");
    }
    List<String> sources = List.copyOf(w.subList(0, w.size() - 1));
    return new Instruction.Copy(n, n.keyword().equals("ADD"), sources, w.getLast(), n.flag("from"),
        n.flag("chown"), n.flag("chmod"), n.flag("checksum"), n.heredocs());
  }

  private Instruction healthcheck(Node n) {
    String rest = n.rest().strip();
    if (!n.json() && rest.equalsIgnoreCase("NONE")) {
      if (!n.flags().isEmpty()) {
        throw error(n, "HEALTHCHECK NONE takes no options");
      }
      return new Instruction.Healthcheck(n, List.of("NONE"), null, null, null, null, null);
    }
    int sp = rest.indexOf(' ');
    String kind = (sp < 0 ? rest : rest.substring(0, sp)).toUpperCase(Locale.ROOT);
    if (!kind.equals("CMD")) {
      throw error(n, "unknown type for HEALTHCHECK: \"" + kind + "\" (use CMD or NONE)");
    }
    String cmd = sp < 0 ? "" : rest.substring(sp + 1).strip();
    if (cmd.isEmpty()) {
      throw error(n, "missing command after HEALTHCHECK CMD");
    }
    List<String> test = new ArrayList<>();
    List<String> exec = cmd.startsWith("[") ? jsonStrings(cmd) : null;
    if (exec != null) {
      test.add("CMD");
      test.addAll(exec);
    } else {
      test.add("CMD-SHELL");
      test.add(cmd);
    }
    Integer retries = null;
    if (n.flag("retries") != null) {
      try {
        retries = Integer.parseInt(n.flag("retries"));
      } catch (NumberFormatException e) {
        throw error(n, "invalid --retries value \"" + n.flag("retries") + "\": not a number");
      }
      if (retries < 0) {
        throw error(n, "--retries cannot be negative (" + retries + ")");
      }
    }
    return new Instruction.Healthcheck(n, test, n.flag("interval"), n.flag("timeout"), n.flag("start-period"),
        n.flag("start-interval"), retries);
  }

  private List<String> jsonStrings(String text) {
    DockerfileParser.Parsed p = DockerfileParser.parse(file, "CMD " + text);
    Node inner = p.nodes().getFirst();
    return inner.json() ? inner.args() : null;
  }

  private Instruction shell(Node n) {
    if (!n.json() || n.args().isEmpty()) {
      throw error(n, "SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/sh\", \"-c\"]");
    }
    return new Instruction.Shell(n, n.args());
  }

  private Instruction onbuild(Node n) {
    String trigger = n.rest();
    if (trigger.isEmpty()) {
      throw error(n, "ONBUILD requires at least one argument");
    }
    DockerfileParser.Parsed p = DockerfileParser.parse(file, trigger);
    if (p.nodes().size() != 1) {
      throw error(n, "ONBUILD takes exactly one instruction");
    }
    String kw = p.nodes().getFirst().keyword();
    if (kw.equals("ONBUILD")) {
      throw error(n, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    }
    if (kw.equals("FROM") || kw.equals("MAINTAINER")) {
      throw error(n, kw + " isn't allowed as an ONBUILD trigger");
    }
    create(new Node(kw, p.nodes().getFirst().flags(), p.nodes().getFirst().args(), p.nodes().getFirst().json(),
        List.of(), n.startLine(), n.endLine(), trigger));
    return new Instruction.Onbuild(n, trigger);
  }
}
