package io.berth.build.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.berth.build.context.DockerIgnore;
import io.berth.build.dockerfile.InstructionFactory;
import io.berth.build.dockerfile.ShellLex;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes everything that reads a user's build files: any input must either parse or fail with a
 * clean {@link InvalidArgumentException}, never another exception or a hang. Inputs are built
 * from the Dockerfile's own tokens ({@link DockerfileGrammar}). A normal test run replays the
 * corpus and runs a fixed number of seeded random inputs; for a long run with Jazzer:
 * {@code JAZZER_FUZZ=1 mvn test -pl berth-build -Dtest='DockerfileFuzzTest#dockerfile'}.
 * (Jazzer 0.24's bundled ASM cannot instrument Java 25 class files, so its runs here are not
 * coverage guided; the grammar is what makes them reach deep states.)
 */
class DockerfileFuzzTest {
  private static final Map<String, String> ENV = Map.of("A", "x", "E", "");

  @FuzzTest(maxDuration = "60s")
  void dockerfile(FuzzedDataProvider data) {
    String text = DockerfileGrammar.generate(n -> data.consumeInt(0, n - 1), 8);
    check(text);
  }

  @Test
  void seededRandomInputsParseOrFailCleanly() {
    Random random = new Random(20261124);
    for (int i = 0; i < 20_000; i++) {
      check(DockerfileGrammar.generate(random::nextInt, 8));
    }
  }

  @Test
  void aCleanErrorNamesTheLine() {
    try {
      InstructionFactory.parse("Dockerfile", "FROM a\nRUN x\nBOGUS y\n");
    } catch (InvalidArgumentException e) {
      assertThat(e.getMessage()).contains("Dockerfile:3");
      return;
    }
    throw new AssertionError("BOGUS was accepted");
  }

  private static void check(String text) {
    try {
      InstructionFactory.parse("Dockerfile", text);
    } catch (InvalidArgumentException expected) {
      // a clean parse error
    }
    ShellLex lex = new ShellLex(text.contains("`") ? '`' : '\\', ENV::get);
    try {
      lex.expandWords(text);
    } catch (InvalidArgumentException expected) {
      // unbalanced quotes, bad substitutions
    }
    try {
      DockerIgnore.parse(text).excluded(text.length() > 3 ? text.substring(3) : "a/b");
    } catch (InvalidArgumentException expected) {
      // a bad pattern
    }
  }
}
