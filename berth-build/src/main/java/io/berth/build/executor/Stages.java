package io.berth.build.executor;

import io.berth.build.dockerfile.Instruction;
import io.berth.errdefs.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A Dockerfile cut into stages at each FROM, with the ARGs declared before the first FROM, and
 * the set of stages the target needs (the target itself, the stages it builds FROM and those it
 * COPYs --from, transitively); the others are never built.
 */
record Stages(List<Instruction.ArgDef> globalArgs, List<List<Instruction>> stages, Map<String, Integer> names,
    List<Integer> needed) {

  static Stages split(List<Instruction> all, String target) {
    List<Instruction.ArgDef> globals = new ArrayList<>();
    List<List<Instruction>> stages = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (Instruction in : all) {
      if (in instanceof Instruction.From f) {
        stages.add(new ArrayList<>(List.of(in)));
        if (f.stageName() != null) {
          if (names.put(f.stageName(), stages.size() - 1) != null) {
            throw new InvalidArgumentException("duplicate build stage name " + f.stageName() + " ("
                + in.source().startLine() + ")");
          }
        }
      } else if (stages.isEmpty()) {
        if (!(in instanceof Instruction.Arg a)) {
          throw new InvalidArgumentException("dockerfile parse error on line " + in.source().startLine()
              + ": no build stage in current context (a Dockerfile must begin with FROM or ARG)");
        }
        globals.addAll(a.args());
      } else {
        stages.getLast().add(in);
      }
    }
    if (stages.isEmpty()) {
      throw new InvalidArgumentException("the Dockerfile has no FROM instruction");
    }
    int targetIndex = stages.size() - 1;
    if (target != null && !target.isEmpty()) {
      Integer t = names.get(target.toLowerCase(Locale.ROOT));
      if (t == null) {
        throw new InvalidArgumentException("failed to reach build target " + target + " in Dockerfile");
      }
      targetIndex = t;
    }
    Stages partial = new Stages(globals, stages, names, List.of());
    TreeSet<Integer> needed = new TreeSet<>();
    partial.collect(targetIndex, needed);
    return new Stages(globals, stages, names, List.copyOf(needed));
  }

  private void collect(int index, TreeSet<Integer> needed) {
    if (!needed.add(index)) {
      return;
    }
    for (Instruction in : stages.get(index)) {
      String ref = in instanceof Instruction.From f ? f.image()
          : in instanceof Instruction.Copy c ? c.from() : null;
      Integer dep = ref == null ? null : indexOf(ref);
      if (dep != null) {
        if (dep >= index) {
          throw new InvalidArgumentException("line " + in.source().startLine() + ": stage " + ref
              + " is not defined before it is used");
        }
        collect(dep, needed);
      }
    }
  }

  /** A stage by name or number, or null when {@code ref} names an image. */
  Integer indexOf(String ref) {
    if (ref == null) {
      return null;
    }
    Integer byName = names.get(ref.toLowerCase(Locale.ROOT));
    if (byName != null) {
      return byName;
    }
    if (ref.matches("\\d+")) {
      int i = Integer.parseInt(ref);
      if (i >= stages.size()) {
        throw new InvalidArgumentException("invalid stage index " + ref + ": the Dockerfile has " + stages.size());
      }
      return i;
    }
    return null;
  }

  List<Instruction> stage(int i) {
    return stages.get(i);
  }
}
