package io.berth.cli.session;

/** The CLI's own version, as {@code berth --version}, {@code berth version} and compose print it. */
public final class Version {
  public static final String NUMBER = "0.1.0";

  private Version() {}

  /** The build recorded in the jar's manifest, or "dev" for classes run from a build tree. */
  public static String build() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
