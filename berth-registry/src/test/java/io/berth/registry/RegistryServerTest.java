package io.berth.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the HTTP-level registry tests share: a real, open registry server on fresh storage
 * ({@code tmp}) for each test, closed after it.
 */
abstract class RegistryServerTest {
  static final String OCI = "application/vnd.oci.image.manifest.v1+json";
  @TempDir Path tmp;
  TestRegistry reg;

  @BeforeEach
  void startRegistry() throws Exception {
    reg = new TestRegistry(tmp);
  }

  @AfterEach
  void stopRegistry() {
    reg.close();
  }
}
