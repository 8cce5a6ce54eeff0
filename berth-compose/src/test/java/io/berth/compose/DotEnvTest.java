package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code .env} and {@code env_file} lines as docker compose reads them. */
class DotEnvTest {
  @Test
  void quotesCommentsExportAndBareNames() {
    Map<String, String> env = DotEnv.parse(List.of(
        "# a comment",
        "",
        "PLAIN=value",
        "export EXPORTED=yes",
        "SPACED = around ",
        "SINGLE='no $expansion \\n here'",
        "DOUBLE=\"two\\nlines \\\"quoted\\\"\"",
        "INLINE=value # a comment",
        "HASH=a#b",
        "EMPTY=",
        "FROM_SHELL",
        "NOT_IN_SHELL",
        "URL=http://config-server:8788/?a=b"), ".env", Map.of("FROM_SHELL", "shell"));
    assertThat(env).containsExactly(
        Map.entry("PLAIN", "value"),
        Map.entry("EXPORTED", "yes"),
        Map.entry("SPACED", "around"),
        Map.entry("SINGLE", "no $expansion \\n here"),
        Map.entry("DOUBLE", "two\nlines \"quoted\""),
        Map.entry("INLINE", "value"),
        Map.entry("HASH", "a#b"),
        Map.entry("EMPTY", ""),
        Map.entry("FROM_SHELL", "shell"),
        Map.entry("URL", "http://config-server:8788/?a=b"));
  }

  @Test
  void badNamesAreRejectedWithTheLine() {
    assertThatThrownBy(() -> DotEnv.parse(List.of("OK=1", "1BAD=2"), "/p/.env", Map.of()))
        .hasMessage("/p/.env line 2: invalid variable name \"1BAD\"");
    assertThatThrownBy(() -> DotEnv.parse(List.of("A B=2"), ".env", Map.of()))
        .hasMessageContaining("line 1: invalid variable name \"A B\"");
  }
}
