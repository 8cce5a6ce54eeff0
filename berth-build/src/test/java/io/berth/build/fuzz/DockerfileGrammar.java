package io.berth.build.fuzz;

import java.util.function.IntUnaryOperator;

/**
 * Produces Dockerfile-shaped text from a stream of choices: keywords, flags, quotes, variable
 * references, JSON brackets, heredocs, escapes and continuations in random order. Random bytes
 * almost never reach the parser's deeper states; text built from its own tokens does. The
 * choices come from Jazzer's data provider when fuzzing, or from a seeded Random in CI.
 */
final class DockerfileGrammar {
  private static final String[] KEYWORDS = {"FROM", "RUN", "CMD", "ENTRYPOINT", "ENV", "ARG", "LABEL", "EXPOSE",
      "VOLUME", "WORKDIR", "USER", "COPY", "ADD", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER",
      "from", "Run", "BOGUS", "#", "# escape=`", "# escape=\\", "# syntax=x"};
  private static final String[] TOKENS = {" ", "  ", "\t", "\n", "\\\n", "`\n", "\\", "`", "\"", "'", "$", "${",
      "}", ":-", ":+", ":?", "-", "+", "?", "=", "A", "B_1", "9x", "[", "]", ",", "\"a\"", "[\"sh\", \"-c\"]",
      "--from=", "--chown=1:2", "--chmod=755", "--platform=linux/amd64", "--interval=1s", "--retries=", "--",
      "--x", "AS", "as", "stage", "<<EOF", "<<-EOF", "<<\"EOF\"", "EOF", "\tEOF", "NONE", "CMD", "/a/b", "*",
      "**", "!", "..", "\r\n", "\u00e9", "\u0000", "{}", "[[", "]]", "\"\\\"\"", "$A", "${A:-${B}}", "\\$"};

  private DockerfileGrammar() {}

  /** {@code choose.applyAsInt(n)} returns a number in [0, n). */
  static String generate(IntUnaryOperator choose, int maxLines) {
    StringBuilder sb = new StringBuilder();
    int lines = 1 + choose.applyAsInt(maxLines);
    for (int l = 0; l < lines; l++) {
      sb.append(KEYWORDS[choose.applyAsInt(KEYWORDS.length)]);
      int tokens = choose.applyAsInt(12);
      for (int t = 0; t < tokens; t++) {
        sb.append(TOKENS[choose.applyAsInt(TOKENS.length)]);
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
