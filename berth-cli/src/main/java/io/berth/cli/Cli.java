package io.berth.cli;

import io.berth.client.ApiClient;
import io.berth.client.DockerHost;
import io.berth.client.tls.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What every command needs: the daemon client (resolved like docker: {@code -H}, then
 * {@code BERTH_HOST}, then {@code DOCKER_HOST}, then the default socket) and the process's
 * streams and environment, passed in so tests can run commands in-process.
 */
public final class Cli {
  public static final String DEFAULT_HOST = DockerHost.DEFAULT;
  public final InputStream in;
  public final PrintStream out;
  public final PrintStream err;
  public final Map<String, String> env;
  private String hostFlag;
  private TlsOptions.Flags tlsFlags = TlsOptions.Flags.NONE;
  private ApiClient client;
  private String only;

  public Cli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.env = env;
  }

  /** Builds only the top-level command {@code name} (null: all of them), see {@link #builds}. */
  void only(String name) {
    this.only = name;
  }

  /**
   * Whether this run's command tree includes the top-level command {@code name} (or one of its
   * {@code aliases}). picocli reads every command it is given by reflection, and its classes
   * (Java 5 bytecode) are outside the JDK's start-up cache, so building all of them was two
   * thirds of a command's start; a run that names its command builds only that one.
   */
  public boolean builds(String name, String... aliases) {
    return only == null || only.equals(name) || java.util.Arrays.asList(aliases).contains(only);
  }

  void hostFlag(String h) {
    this.hostFlag = h;
  }

  void tlsFlags(TlsOptions.Flags flags) {
    this.tlsFlags = flags;
  }

  /** The daemon address in effect, normalised. */
  public String host() {
    return daemon().uri();
  }

  static String resolveHost(String flag, Map<String, String> env) {
    return DockerHost.normalize(DockerHost.pick(flag, env), false);
  }

  /** The daemon address with its TLS settings; bad flags become IllegalArgumentException. */
  public DockerHost daemon() {
    try {
      return DockerHost.resolve(hostFlag, env, TlsOptions.resolve(tlsFlags, env));
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public ApiClient client() {
    if (client == null) {
      client = new ApiClient(daemon());
    }
    return client;
  }

  /** True when our stdin is the process's and a terminal (never for in-process test streams). */
  public boolean stdinIsTerminal() {
    return in == System.in && Tty.isTerminal(0);
  }

  public boolean stdoutIsTerminal() {
    return out == System.out && Tty.isTerminal(1);
  }

  public boolean stderrIsTerminal() {
    return err == System.err && Tty.isTerminal(2);
  }
}
