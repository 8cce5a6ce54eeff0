package io.berth.it;

import static io.berth.it.TestDaemon.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes an htpasswd file with one bcrypt entry, as {@code htpasswd -B} would, for registries that need a login. */
final class Htpasswd {
  private Htpasswd() {}

  static void write(Path file, String user, String password) throws IOException {
    // bcrypt with the same library the registry uses (Bouncy Castle from the CLI's dependencies)
    Path gen = file.resolveSibling("Gen.java");
    Files.writeString(gen, "public class Gen { public static void main(String[] a) { byte[] s = new byte[16];"
        + " new java.security.SecureRandom().nextBytes(s); System.out.println(a[0] + \":\" + "
        + "org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate(\"2y\", a[1].toCharArray(), s, 6)); } }");
    String bcprov = Exec.sh("ls " + Exec.repoRoot() + "/berth-cli/target/lib/bcprov-*.jar").out().trim();
    Exec.Result r = Exec.run(Map.of(), null, 60, List.of(System.getProperty("java.home") + "/bin/java", "-cp", bcprov,
        gen.toString(), user, password));
    check(r, "bcrypt");
    Files.writeString(file, r.out());
  }
}
