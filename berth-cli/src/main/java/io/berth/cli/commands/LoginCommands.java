package io.berth.cli.commands;

import io.berth.cli.session.Cli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth login} and {@code berth logout}, as docker's: the daemon checks the credentials
 * against the registry ({@code POST /auth}); the CLI keeps them in config.json for later pulls
 * and pushes, which send them as {@code X-Registry-Auth}.
 */
public final class LoginCommands {
  private LoginCommands() {}

  public static void register(CommandLine root, Cli cli) {
    Base.add(root, "login", new Login(cli));
    Base.add(root, "logout", new Logout(cli));
  }

  /** docker's names a registry without scheme or path. */
  static String server(String s) {
    return s.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
  }

  @Command(name = "login", mixinStandardHelpOptions = true, description = "Log in to a registry")
  static final class Login extends Base {
    @Option(names = {"-u", "--username"}, description = "Username") String user;
    @Option(names = {"-p", "--password"}, description = "Password (prefer --password-stdin)") String password;
    @Option(names = "--password-stdin", description = "Take the password from stdin") boolean passwordStdin;
    @Parameters(index = "0", paramLabel = "SERVER", description = "Registry, e.g. 127.0.0.1:5000") String server;

    Login(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      if (user == null || user.isBlank()) {
        throw new IllegalArgumentException("Must provide --username with --password-stdin or --password");
      }
      if (passwordStdin) {
        if (password != null) {
          throw new IllegalArgumentException("--password and --password-stdin are mutually exclusive");
        }
        password = new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8)).readLine();
      } else if (password != null) {
        cli.err.println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
      }
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("Must provide a password with --password or --password-stdin");
      }
      String reg = server(server);
      api().post("/auth", Map.of("username", user, "password", password, "serveraddress", reg)).close();
      io.berth.distribution.DockerConfigFile config = new io.berth.distribution.DockerConfigFile(cli.env);
      config.store(reg, user, password);
      cli.err.println("WARNING! Your password will be stored unencrypted in " + config.path() + ".");
      cli.out.println("Login Succeeded");
      return 0;
    }
  }

  @Command(name = "logout", mixinStandardHelpOptions = true, description = "Log out from a registry")
  static final class Logout extends Base {
    @Parameters(index = "0", paramLabel = "SERVER") String server;

    Logout(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() throws Exception {
      String reg = server(server);
      if (new io.berth.distribution.DockerConfigFile(cli.env).remove(reg)) {
        cli.out.println("Removing login credentials for " + reg);
      } else {
        cli.out.println("Not logged in to " + reg);
      }
      return 0;
    }
  }
}
