package io.berth.store.image;

/**
 * The local image store: images by id, the tags that name them, and the archive formats images
 * come in and leave by. Blobs live in the shared content store; unpacked layers live in the
 * snapshotter. Callers depend on the narrowest role they use ({@link ImageReader},
 * {@link ImageWriter}, {@link ImageRemover}, {@link ImageArchives}; decision 0021); this is all
 * of them, for the wiring and for callers that do everything (the image routes).
 */
public interface ImageStore extends ImageWriter, ImageRemover, ImageArchives {}
