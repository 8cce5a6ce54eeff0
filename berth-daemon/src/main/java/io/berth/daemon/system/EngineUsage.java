package io.berth.daemon.system;

import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.container.ContainerStatus;
import io.berth.daemon.image.ImageService;
import io.berth.daemon.volume.VolumeService;
import java.util.List;

/**
 * What the engine holds, counted for {@code /info} and measured for {@code /system/df}: the
 * containers by state, the images (with the containers using each), the containers' writable
 * layers and the volumes' data. The route only renders it.
 */
public final class EngineUsage {
  private final ContainerService containers;
  private final ImageService images;
  private final VolumeService volumes;

  public EngineUsage(ContainerService containers, ImageService images, VolumeService volumes) {
    this.containers = containers;
    this.images = images;
    this.volumes = volumes;
  }

  /** How many containers there are in each state, and how many images. */
  public record Counts(int containers, long running, long paused, long stopped, int images) {}

  public Counts counts() {
    List<Container> all = containers.list();
    return new Counts(all.size(),
        all.stream().filter(c -> c.state.is(ContainerStatus.RUNNING)).count(),
        all.stream().filter(c -> c.state.is(ContainerStatus.PAUSED)).count(),
        all.stream().filter(c -> !c.state.running()).count(),
        images.list(EVERY_IMAGE).size());
  }

  /** A container with the bytes of its writable layer (negative when it cannot be measured). */
  public record ContainerUsage(Container container, long layerSize) {}

  /**
   * {@code system df}: every image with the containers using it, the sum of the images' sizes,
   * every container's writable layer, every volume's data and references.
   */
  public record DiskUsage(List<ImageService.Listed> images, long layersSize, List<ContainerUsage> containers,
      List<VolumeService.Usage> volumes) {}

  public DiskUsage diskUsage() {
    List<ImageService.Listed> listed = images.list(new ImageService.ListQuery(false, null, true, true));
    long layers = listed.stream().mapToLong(l -> l.image().size()).sum();
    List<ContainerUsage> cs = containers.list().stream()
        .map(c -> new ContainerUsage(c, containers.layerSize(c))).toList();
    return new DiskUsage(listed, layers, cs, volumes.usage());
  }

  private static final ImageService.ListQuery EVERY_IMAGE = new ImageService.ListQuery(false, null, true, false);
}
