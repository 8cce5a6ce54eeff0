package io.berth.cli.format;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Aligns tab-separated rows into columns as Go's tabwriter does for docker (padding 3, minimum
 * width 10 for all but the last column), so scripts that parse docker's tables parse ours.
 */
public final class Table {
  private final List<String[]> rows = new ArrayList<>();

  public void row(String tabSeparated) {
    rows.add(tabSeparated.split("\t", -1));
  }

  public void print(PrintStream out) {
    int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < r.length - 1; i++) {
        width[i] = Math.max(width[i], Math.max(r[i].length(), 10 - 3));
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(r[i]);
        if (i < r.length - 1) {
          sb.append(" ".repeat(width[i] - r[i].length() + 3));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }
}
