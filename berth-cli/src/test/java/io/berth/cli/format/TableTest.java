package io.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void padsColumnsLikeGoTabwriterWithMinimumTenAndPaddingThree() {
    Table t = new Table();
    t.row("CONTAINER ID\tIMAGE\tNAMES");
    t.row("0123456789ab\tbusybox:latest\tweb");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    t.print(new PrintStream(b, true));
    assertThat(b.toString()).isEqualTo("""
        CONTAINER ID   IMAGE            NAMES
        0123456789ab   busybox:latest   web
        """);
    Table small = new Table();
    small.row("A\tB");
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    small.print(new PrintStream(s, true));
    assertThat(s.toString()).isEqualTo("A         B\n");
  }
}
