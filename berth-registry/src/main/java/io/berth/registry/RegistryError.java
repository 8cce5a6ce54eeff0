package io.berth.registry;

/**
 * A refusal in the OCI Distribution spec's terms: the HTTP status and the error code a client
 * reads from {@code {"errors":[{"code","message","detail"}]}}. Thrown anywhere below the router,
 * which writes it.
 */
public final class RegistryError extends RuntimeException {
  private final int status;
  private final String code;
  private final String detail;

  public RegistryError(int status, String code, String message, String detail) {
    super(message);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String detail() {
    return detail;
  }

  static RegistryError blobUnknown(String digest) {
    return new RegistryError(404, "BLOB_UNKNOWN", "blob unknown to registry", digest);
  }

  static RegistryError uploadUnknown(String id) {
    return new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", id);
  }

  static RegistryError uploadInvalid(String why) {
    return new RegistryError(400, "BLOB_UPLOAD_INVALID", "blob upload invalid", why);
  }

  static RegistryError digestInvalid(String why) {
    return new RegistryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content", why);
  }

  static RegistryError manifestUnknown(String ref) {
    return new RegistryError(404, "MANIFEST_UNKNOWN", "manifest unknown", ref);
  }

  static RegistryError manifestInvalid(String why) {
    return new RegistryError(400, "MANIFEST_INVALID", "manifest invalid", why);
  }

  static RegistryError manifestBlobUnknown(String digest) {
    return new RegistryError(400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", digest);
  }

  static RegistryError nameInvalid(String name) {
    return new RegistryError(400, "NAME_INVALID", "invalid repository name", name);
  }

  static RegistryError nameUnknown(String name) {
    return new RegistryError(404, "NAME_UNKNOWN", "repository name not known to registry", name);
  }

  static RegistryError tagInvalid(String tag) {
    return new RegistryError(400, "TAG_INVALID", "manifest tag did not match URI", tag);
  }

  static RegistryError sizeInvalid(String why) {
    return new RegistryError(413, "SIZE_INVALID", "provided length did not match content length", why);
  }

  static RegistryError rangeInvalid(String why) {
    return new RegistryError(416, "BLOB_UPLOAD_INVALID", "range not satisfiable", why);
  }

  /** A chunk whose Content-Range does not start where the upload ends: the spec's 416. */
  static RegistryError chunkOutOfOrder(String why) {
    return new RegistryError(416, "BLOB_UPLOAD_INVALID", "blob upload invalid", why);
  }

  static RegistryError unsupported(String why) {
    return new RegistryError(405, "UNSUPPORTED", "the operation is unsupported", why);
  }
}
