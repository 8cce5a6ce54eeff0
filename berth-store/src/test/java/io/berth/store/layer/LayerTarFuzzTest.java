package io.berth.store.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the layer tar reader and extractor ({@link LayerApplier} through {@link
 * XattrTarInputStream} and the sparse reader), decision 0009's approach: inputs are built by
 * {@link LayerTarGrammar} or mutated from real layers ({@link LayerTarSeeds}), and applied into a
 * fresh directory, in each of the applier's modes, after a lower layer or not. Whatever the bytes:
 * the result is success or an {@link InvalidArgumentException} (a copy that would overwrite a
 * directory with a file may also say so), nothing outside the root changes ({@link OutsideCheck}),
 * and no write of the pool is still under way once {@code apply} has returned. A normal run
 * replays Jazzer's corpus and a fixed number of seeded inputs; a long run:
 * {@code JAZZER_FUZZ=1 mvn test -pl berth-store -Dtest='LayerTarFuzzTest#layerTar'}. An input that
 * fails is kept in {@code target/fuzz-findings/}.
 */
class LayerTarFuzzTest {
  private static final int SEEDED_INPUTS = 4_000;
  @TempDir Path tmp;
  private OutsideCheck outside;
  private List<byte[]> seeds;

  @BeforeEach
  void setUp() throws IOException {
    outside = OutsideCheck.around(tmp);
    Path work = Files.createTempDirectory("layer-seeds");
    try {
      seeds = LayerTarSeeds.of(outside.outsideDir().toString(), work);
    } finally {
      LayerApplier.deleteTree(work);
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    outside.freshRoot(); // JUnit would warn of the symlinks out of the root it deletes
  }

  @FuzzTest(maxDuration = "60s")
  void layerTar(FuzzedDataProvider data) throws IOException {
    IntUnaryOperator pick = n -> data.consumeInt(0, n - 1);
    int how = pick.applyAsInt(8);
    byte[] input = pick.applyAsInt(4) == 0 ? data.consumeRemainingAsBytes()
        : LayerTarGrammar.generate(pick, outside.outsideDir().toString(), seeds);
    check(input, how);
  }

  @Test
  void seededRandomLayersApplyOrFailCleanlyAndStayInTheirRoot() throws IOException {
    Random random = new Random(20261207);
    int refused = 0;
    for (int i = 0; i < SEEDED_INPUTS; i++) {
      int how = random.nextInt(8);
      byte[] input = LayerTarGrammar.generate(random::nextInt, outside.outsideDir().toString(), seeds);
      refused += check(input, how) ? 0 : 1;
    }
    // the grammar reaches both sides: layers that apply and layers that are refused
    assertThat(refused).isBetween(SEEDED_INPUTS / 20, SEEDED_INPUTS - SEEDED_INPUTS / 20);
  }

  @Test
  void theSeedsApplyOrAreRefusedCleanlyInEveryMode() throws IOException {
    int applied = 0;
    for (byte[] seed : seeds) {
      for (int how = 0; how < 8; how++) {
        applied += check(seed, how) ? 1 : 0;
      }
    }
    assertThat(applied).as("most seeds are good layers").isGreaterThan(seeds.size() * 4);
  }

  /**
   * Applies {@code input} as {@code how} says (applier: bits 0-1, a lower layer first: bit 2);
   * true when it applied.
   */
  private boolean check(byte[] input, int how) throws IOException {
    Path root = outside.freshRoot();
    LayerApplier applier = switch (how & 3) {
      case 0 -> new LayerApplier();
      case 1 -> new LayerApplier(LayerApplier.Whiteouts.DELETE);
      case 2 -> LayerApplier.forCopy(false, null);
      default -> LayerApplier.forCopy(true, new LayerApplier.Owner(1000, 1000));
    };
    if ((how & 4) != 0) {
      applier.apply(new ByteArrayInputStream(LayerTarSeeds.base(outside.outsideDir().toString())), root);
    }
    OutsideCheck.Before before = outside.before();
    boolean applied = false;
    try {
      applier.apply(new ByteArrayInputStream(input), root, (how & 1) == 0);
      applied = true;
    } catch (InvalidArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    } catch (FailedPreconditionException inTheWay) {
      if ((how & 3) != 3 || !inTheWay.getMessage().startsWith("cannot overwrite ")) {
        throw finding(input, how, inTheWay);
      }
    } catch (RuntimeException | Error e) {
      throw finding(input, how, e);
    }
    try {
      assertThat(ParallelFiles.underWay()).as("writes still under way after apply returned").isZero();
      outside.assertUnchanged(before, root);
    } catch (AssertionError e) {
      throw finding(input, how, e);
    }
    return applied;
  }

  private static AssertionError finding(byte[] input, int how, Throwable e) {
    Path kept = Path.of("target", "fuzz-findings", Digest.sha256(input).hex().substring(0, 16) + "-" + how + ".bin");
    try {
      Files.createDirectories(kept.getParent());
      Files.write(kept, input);
    } catch (IOException ex) {
      e.addSuppressed(ex);
    }
    return new AssertionError(e + " (input kept in " + kept.toAbsolutePath() + ", mode " + how + ")", e);
  }
}
