package io.berth.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.session.Cli;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exec}: create an exec instance, start it hijacked, exit with its exit code. */
@Command(name = "exec", description = "Execute a command in a running container", mixinStandardHelpOptions = true)
final class ExecCommand extends Base {
  @Option(names = {"-i", "--interactive"}, description = "Keep STDIN open even if not attached") boolean interactive;
  @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-TTY") boolean tty;
  @Option(names = {"-d", "--detach"}, description = "Detached mode: run command in the background") boolean detach;
  @Option(names = {"-e", "--env"}, description = "Set environment variables") List<String> env = new ArrayList<>();
  @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>])") String user;
  @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container") String workdir;
  @Option(names = "--privileged", description = "Give extended privileges to the command") boolean privileged;
  @Parameters(index = "0", paramLabel = "CONTAINER") String container;
  @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND") List<String> command;

  ExecCommand(Cli cli) {
    super(cli);
  }

  @Override
  public Integer call() throws Exception {
    ObjectNode b = obj();
    b.put("AttachStdin", interactive && !detach);
    b.put("AttachStdout", !detach);
    b.put("AttachStderr", !detach);
    b.put("Tty", tty);
    b.put("Privileged", privileged);
    if (user != null) {
      b.put("User", user);
    }
    if (workdir != null) {
      b.put("WorkingDir", workdir);
    }
    ArrayNode e = b.putArray("Env");
    env.forEach(e::add);
    ArrayNode c = b.putArray("Cmd");
    command.forEach(c::add);
    String id = api().post("/containers/" + enc(container) + "/exec", b).json().path("Id").asText();
    ObjectNode start = obj().put("Detach", detach).put("Tty", tty);
    if (tty) {
      int[] size = Terminal.size();
      if (size != null) {
        start.putArray("ConsoleSize").add(size[0]).add(size[1]);
      }
    }
    if (detach) {
      api().post("/exec/" + id + "/start", start).close();
      return 0;
    }
    Attacher.of(cli, api().hijack("/exec/" + id + "/start", start), interactive, tty).pump();
    return api().get("/exec/" + id + "/json").json().path("ExitCode").asInt();
  }
}
