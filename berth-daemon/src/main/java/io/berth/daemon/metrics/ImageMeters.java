package io.berth.daemon.metrics;

import io.berth.daemon.build.DockerfileBuilder;
import io.berth.daemon.image.ImageService;
import io.berth.daemon.image.TransferObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Pulls, pushes and builds: {@code berth_image_pulls_total{result}}, {@code berth_image_pushes_total{result}},
 * the layer bytes each moved ({@code berth_image_pull_bytes_total}, {@code berth_image_push_bytes_total}),
 * and {@code berth_builds_total{result}} with {@code berth_build_duration_seconds}.
 */
public final class ImageMeters implements TransferObserver {
  private final MeterRegistry registry;
  private final Counter pulledBytes;
  private final Counter pushedBytes;

  private ImageMeters(MeterRegistry registry) {
    this.registry = registry;
    this.pulledBytes = Counter.builder("berth.image.pull").baseUnit("bytes")
        .description("Layer bytes downloaded by pulls (layers already stored not counted)").register(registry);
    this.pushedBytes = Counter.builder("berth.image.push").baseUnit("bytes")
        .description("Layer bytes uploaded by pushes (layers the registry had not counted)").register(registry);
    for (String r : new String[] {"success", "failure"}) {
      pulls(r);
      pushes(r);
      builds(r);
    }
  }

  public static void bind(MeterRegistry registry, ImageService images, DockerfileBuilder builder) {
    ImageMeters m = new ImageMeters(registry);
    images.observeTransfers(m);
    builder.observe((ok, nanos) -> m.built(ok, nanos));
  }

  @Override
  public void pulled(boolean ok, long bytes) {
    pulls(result(ok)).increment();
    pulledBytes.increment(bytes);
  }

  @Override
  public void pushed(boolean ok, long bytes) {
    pushes(result(ok)).increment();
    pushedBytes.increment(bytes);
  }

  private void built(boolean ok, long nanos) {
    builds(result(ok)).increment();
    Timer.builder("berth.build.duration").description("Time a build took").tag("result", result(ok))
        .register(registry).record(Duration.ofNanos(nanos));
  }

  private Counter pulls(String result) {
    return Counter.builder("berth.image.pulls").description("Image pulls, by result").tag("result", result)
        .register(registry);
  }

  private Counter pushes(String result) {
    return Counter.builder("berth.image.pushes").description("Image pushes, by result").tag("result", result)
        .register(registry);
  }

  private Counter builds(String result) {
    return Counter.builder("berth.builds").description("Image builds, by result").tag("result", result)
        .register(registry);
  }

  private static String result(boolean ok) {
    return ok ? "success" : "failure";
  }
}
