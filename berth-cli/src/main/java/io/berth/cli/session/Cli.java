package io.berth.cli.session;

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
  private Nested nested;

  public Cli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.env = env;
  }

  /** How a command runs another berth command line in-process: {@code Main.run}. */
  @FunctionalInterface
  public interface Nested {
    int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env);
  }

  /** Builds only the top-level command {@code name} (null: all of them), see {@link #builds}. */
  public void only(String name) {
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

  /** The {@code -H} flag as parsed (null when not given). */
  public void hostFlag(String h) {
    this.hostFlag = h;
  }

  /** The TLS flags as parsed. */
  public void tlsFlags(TlsOptions.Flags flags) {
    this.tlsFlags = flags;
  }

  /** Set by {@code Main}, whose command tree this package must not know. */
  public void nested(Nested runner) {
    this.nested = runner;
  }

  /** Runs another berth command line in-process with this run's streams and environment. */
  public int runNested(String[] args) {
    if (nested == null) {
      throw new IllegalStateException("no command tree to run " + String.join(" ", args));
    }
    return nested.run(args, in, out, err, env);
  }

  /** The daemon address in effect, normalised. */
  public String host() {
    return daemon().uri();
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
