package io.berth.build.dockerfile;

import java.util.List;
import java.util.Map;

/**
 * One instruction as the parser found it, before its meaning is checked: the keyword (upper
 * case), its {@code --flags}, its argument text, whether that text was a JSON array (exec form),
 * any heredocs that followed it, and where it came from so later errors can point at it.
 *
 * @param args        the arguments: the JSON array's strings in exec form, otherwise the rest of
 *                    the line (continuations joined) as one element
 * @param json        true when the arguments were written as a JSON array
 * @param heredocs    bodies of {@code <<EOF} documents, in the order they were opened
 * @param startLine   1-based line of the keyword
 * @param endLine     1-based last line (after continuations and heredocs)
 * @param original    the instruction as written, continuations joined, for history and errors
 */
public record Node(
    String keyword,
    Map<String, List<String>> flags,
    List<String> args,
    boolean json,
    List<Heredoc> heredocs,
    int startLine,
    int endLine,
    String original) {

  /** The single argument string of a shell-form instruction. */
  public String rest() {
    return args.isEmpty() ? "" : args.getFirst();
  }

  /** The last value given for a flag, or null. */
  public String flag(String name) {
    List<String> v = flags.get(name);
    return v == null || v.isEmpty() ? null : v.getLast();
  }

  /** A here-document: its name, body, and whether the body is expanded ({@code <<EOF} vs {@code <<"EOF"}). */
  public record Heredoc(String name, String content, boolean expand, boolean chomp) {}
}
