package io.berth.distribution;

import io.berth.oci.Digest;
import java.util.List;

/**
 * What a pull brought into the content store: the config bytes as the registry served them,
 * the layers as uncompressed blobs (their digests are the diff ids) and the manifest's digest.
 */
public record Pulled(byte[] config, List<Digest> layers, Digest manifestDigest) {}
