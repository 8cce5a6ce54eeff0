package io.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Registry requests get a bounded operation name, whatever the repository or digest in the path. */
class RegistryOperationTest {
  private static final String D = "sha256:" + "a".repeat(64);

  @Test
  void operationsAreNamedByWhatTheyDo() {
    assertThat(RegistryOperation.of("GET", "/v2/", false)).isEqualTo("base");
    assertThat(RegistryOperation.of("GET", "/v2/_catalog", false)).isEqualTo("catalog");
    assertThat(RegistryOperation.of("GET", "/v2/shop/order/manifests/1", false)).isEqualTo("manifest_get");
    assertThat(RegistryOperation.of("HEAD", "/v2/shop/order/manifests/" + D, false)).isEqualTo("manifest_head");
    assertThat(RegistryOperation.of("PUT", "/v2/a/b/c/manifests/latest", false)).isEqualTo("manifest_put");
    assertThat(RegistryOperation.of("GET", "/v2/shop/order/blobs/" + D, false)).isEqualTo("blob_get");
    assertThat(RegistryOperation.of("HEAD", "/v2/shop/order/blobs/" + D, false)).isEqualTo("blob_head");
    assertThat(RegistryOperation.of("POST", "/v2/shop/order/blobs/uploads/", false)).isEqualTo("upload_start");
    assertThat(RegistryOperation.of("POST", "/v2/shop/order/blobs/uploads/", true)).isEqualTo("blob_mount");
    assertThat(RegistryOperation.of("PATCH", "/v2/shop/order/blobs/uploads/1b4e28ba-2fa1-11d2-883f-0016d3cca427", false))
        .isEqualTo("upload_chunk");
    assertThat(RegistryOperation.of("PUT", "/v2/shop/order/blobs/uploads/1b4e28ba-2fa1-11d2-883f-0016d3cca427", false))
        .isEqualTo("upload_complete");
    assertThat(RegistryOperation.of("GET", "/v2/shop/order/tags/list", false)).isEqualTo("tags_list");
    assertThat(RegistryOperation.of("GET", "/v2/shop/order/referrers/" + D, false)).isEqualTo("referrers_list");
    assertThat(RegistryOperation.of("GET", "/v2/shop/order/whatever", false)).isEqualTo("other");
    assertThat(RegistryOperation.of("BREW", "/v2/shop/order/blobs/" + D, false)).isEqualTo("blob_other");
    assertThat(RegistryOperation.of("GET", "/favicon.ico", false)).isEqualTo("other");
  }
}
