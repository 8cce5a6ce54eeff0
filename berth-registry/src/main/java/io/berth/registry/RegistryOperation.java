package io.berth.registry;

/**
 * Names what a registry request does ({@code manifest_get}, {@code blob_put}...), for metrics: a
 * bounded set of names whatever the repository, digest or upload id in the path.
 */
final class RegistryOperation {
  private RegistryOperation() {
  }

  static String of(String method, String path, boolean mount) {
    if (path.equals("/v2/") || path.equals("/v2")) {
      return "base";
    }
    if (!path.startsWith("/v2/")) {
      return "other";
    }
    if (path.equals("/v2/_catalog")) {
      return "catalog";
    }
    String rest = path.substring(4);
    int i;
    if ((i = rest.lastIndexOf("/blobs/uploads")) > 0) {
      String tail = rest.substring(i + "/blobs/uploads".length());
      boolean session = !(tail.isEmpty() || tail.equals("/"));
      return switch (method) {
        case "POST" -> session ? "upload_other" : mount ? "blob_mount" : "upload_start";
        case "PATCH" -> "upload_chunk";
        case "PUT" -> "upload_complete";
        case "GET", "HEAD" -> "upload_status";
        case "DELETE" -> "upload_cancel";
        default -> "upload_other";
      };
    }
    if (rest.lastIndexOf("/blobs/") > 0) {
      return "blob_" + verb(method);
    }
    if (rest.lastIndexOf("/manifests/") > 0) {
      return "manifest_" + verb(method);
    }
    if (rest.endsWith("/tags/list")) {
      return "tags_list";
    }
    if (rest.lastIndexOf("/referrers/") > 0) {
      return "referrers_list";
    }
    return "other";
  }

  private static String verb(String method) {
    return switch (method) {
      case "GET" -> "get";
      case "HEAD" -> "head";
      case "PUT" -> "put";
      case "DELETE" -> "delete";
      default -> "other";
    };
  }
}
