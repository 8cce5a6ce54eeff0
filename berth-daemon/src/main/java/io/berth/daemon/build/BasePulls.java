package io.berth.daemon.build;

import io.berth.daemon.image.ImageService;
import io.berth.distribution.Credentials;
import io.berth.oci.Reference;
import io.berth.store.image.Image;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How one build gets the base images its FROM and COPY --from name when they are not in the
 * store, as Docker's classic builder: pulled from their registry with the credentials the client
 * sent for it ({@code X-Registry-Config}), the pull told in the build's output; with
 * {@code --pull} ({@code always}) pulled even when stored, so a build never starts from a stale
 * base. Bound for the length of one build ({@link StoreBuildImages#PULLS}).
 *
 * @param always {@code docker build --pull}
 * @param credentials the client's credentials by registry host
 * @param out the build's output stream
 */
public record BasePulls(ImageService images, boolean always, Function<String, Credentials> credentials,
    Consumer<String> out) {

  /** Pulls {@code reference} (as users type it) and says so the way {@code docker build} shows it. */
  Image pull(String reference) {
    Reference ref = Reference.parse(reference).withDefaultTag();
    out.accept((ref.tag() != null ? ref.tag() : ref.digest().toString()) + ": Pulling from " + ref.path() + "\n");
    ImageService.PullResult pulled = images.pull(ref, null, credentials.apply(ref.domain()),
        (id, status, current, total) -> { });
    out.accept("Digest: " + pulled.manifestDigest() + "\n");
    out.accept("Status: Downloaded newer image for " + ref.familiarString() + "\n");
    return pulled.image();
  }
}
