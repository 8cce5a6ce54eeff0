package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.errdefs.BerthException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the validation of {@code POST /containers/create} bodies (decision 0009's approach):
 * any body must pass or fail with a 4xx {@link BerthException}, never another exception, since
 * anything else would be a 500 with a stack trace in the log. Bodies are built from the Go types
 * the body is checked against ({@link CreateBodyGrammar}). A normal run replays Jazzer's corpus
 * and a fixed number of seeded random bodies; a long run:
 * {@code JAZZER_FUZZ=1 mvn test -pl berth-daemon -Dtest='CreateBodyFuzzTest#createBody'}.
 */
class CreateBodyFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void createBody(FuzzedDataProvider data) {
    check(CreateBodyGrammar.generate(n -> data.consumeInt(0, n - 1)));
  }

  @Test
  void seededRandomBodiesPassOrFailWithA4xx() {
    Random random = new Random(20261206);
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      refused += check(CreateBodyGrammar.generate(random::nextInt)) ? 0 : 1;
    }
    // the grammar reaches both sides: bodies that pass and bodies that are refused
    assertThat(refused).isBetween(1, 19_999);
  }

  /** True when the body passed. */
  private static boolean check(ObjectNode body) {
    String sent = body.toString();
    try {
      CreateValidation.check(body, CreateValidationTest.HOST);
      return true;
    } catch (BerthException e) {
      if (e.httpStatus() < 400 || e.httpStatus() > 499) {
        throw new AssertionError("HTTP " + e.httpStatus() + " for " + sent, e);
      }
      return false;
    } catch (RuntimeException e) {
      throw new AssertionError(e + " for " + sent, e);
    }
  }
}
