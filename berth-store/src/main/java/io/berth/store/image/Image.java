package io.berth.store.image;

import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.store.snapshot.RootfsLayers;
import java.time.Instant;
import java.util.List;

/**
 * An image as the local store knows it. {@code id} is the config digest (as Docker's image id);
 * {@code layers} are the compressed layer blobs in the content store, in manifest order, and
 * {@code diffIds} their uncompressed digests (the config's rootfs).
 *
 * @param manifestDigest digest of the stored manifest (what {@code RepoDigests} is built from)
 * @param size total uncompressed size of the layers in bytes
 */
public record Image(
    Digest id,
    Digest manifestDigest,
    ImageConfig config,
    List<String> repoTags,
    List<String> repoDigests,
    List<Digest> layers,
    List<Digest> diffIds,
    long size,
    Instant created) implements RootfsLayers {}
