package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.commands.Base;
import io.berth.cli.session.Cli;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** A command that lists tasks ({@code service ps}, {@code node ps}) in docker's task table. */
abstract class TaskCommand extends Base {
  TaskCommand(Cli cli) {
    super(cli);
  }

  /** Prints {@code tasks}; {@code -q} implies {@code --no-trunc}, as in docker. */
  void printTasks(List<JsonNode> tasks, String format, boolean quiet, boolean noTrunc, boolean noResolve) throws IOException {
    String f = format == null || format.isEmpty() || format.equals("table") ? TaskTable.DEFAULT : format;
    boolean trunc = !(noTrunc || quiet);
    List<JsonNode> rows = TaskTable.views(tasks, new Names(api(), !noResolve), trunc, f.startsWith("table"), Instant.now());
    print(rows, f, TaskTable.DEFAULT, v -> v, quiet, v -> v.path("ID").asText(), TaskTable.HEADERS);
  }
}
