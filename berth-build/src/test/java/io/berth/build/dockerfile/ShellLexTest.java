package io.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShellLexTest {
  private final Map<String, String> env = Map.of("A", "apple", "EMPTY", "", "P", "/usr/bin");
  private final ShellLex lex = new ShellLex('\\', env::get);

  @Test
  void expandsPlainAndBracedReferences() {
    assertThat(lex.expand("$A-${A}_$Bnone")).isEqualTo("apple-apple_");
    assertThat(lex.expand("${P}:/bin")).isEqualTo("/usr/bin:/bin");
    assertThat(lex.expand("cost $ 5 and $")).isEqualTo("cost $ 5 and $");
  }

  @Test
  void modifiersFollowDocker() {
    assertThat(lex.expand("${MISSING:-def}")).isEqualTo("def");
    assertThat(lex.expand("${EMPTY:-def}")).isEqualTo("def");
    assertThat(lex.expand("${EMPTY-def}")).isEqualTo("");
    assertThat(lex.expand("${A:-def}")).isEqualTo("apple");
    assertThat(lex.expand("${A:+alt}")).isEqualTo("alt");
    assertThat(lex.expand("${MISSING:+alt}")).isEqualTo("");
    assertThat(lex.expand("${EMPTY+alt}")).isEqualTo("alt");
    assertThat(lex.expand("${MISSING:-${A}s}")).isEqualTo("apples");
    assertThatThrownBy(() -> lex.expand("${MISSING:?must be set}")).hasMessageContaining("MISSING: must be set");
    assertThatThrownBy(() -> lex.expand("${A")).hasMessageContaining("missing '}'");
    assertThatThrownBy(() -> lex.expand("${A%x}")).hasMessageContaining("unsupported modifier");
  }

  @Test
  void quotesAndEscapes() {
    assertThat(lex.expand("'$A'")).isEqualTo("$A");
    assertThat(lex.expand("\"$A and 'q'\"")).isEqualTo("apple and 'q'");
    assertThat(lex.expand("\\$A")).isEqualTo("$A");
    assertThat(lex.expand("\"\\$A \\\" \\n\"")).isEqualTo("$A \" \\n");
    assertThat(lex.expand("a\\ b")).isEqualTo("a b");
    assertThatThrownBy(() -> lex.expand("\"open")).hasMessageContaining("matching \"");
  }

  @Test
  void splitsWordsOnUnquotedWhitespace() {
    assertThat(lex.expandWords("a \"b c\" d\\ e '$A'")).containsExactly("a", "b c", "d e", "$A");
    assertThat(ShellLex.splitWords("k=\"v w\" x=y", '\\')).containsExactly("k=\"v w\"", "x=y");
  }

  @Test
  void backtickEscape() {
    ShellLex win = new ShellLex('`', env::get);
    assertThat(win.expand("c:\\dir`$A")).isEqualTo("c:\\dir$A");
  }
}
