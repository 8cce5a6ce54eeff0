package io.berth.build.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {
  private static List<Instruction> parse(String text) {
    return InstructionFactory.parse("Dockerfile", text);
  }

  @Test
  void continuationsSkipCommentsAndBlankLinesAndKeepLineNumbers() {
    List<Instruction> in = parse("""
        # a comment
        FROM busybox AS base

        RUN echo a \\
        # inside the continuation
          && echo b \\

          && echo c
        CMD ["sh", "-c", "echo hi"]
        """);
    assertThat(in).hasSize(3);
    var from = (Instruction.From) in.get(0);
    assertThat(from.image()).isEqualTo("busybox");
    assertThat(from.stageName()).isEqualTo("base");
    assertThat(from.source().startLine()).isEqualTo(2);
    var run = (Instruction.Run) in.get(1);
    assertThat(run.shell()).isTrue();
    assertThat(run.command()).containsExactly("echo a   && echo b   && echo c");
    assertThat(run.source().startLine()).isEqualTo(4);
    var cmd = (Instruction.Cmd) in.get(2);
    assertThat(cmd.shell()).isFalse();
    assertThat(cmd.command()).containsExactly("sh", "-c", "echo hi");
    assertThat(cmd.source().startLine()).isEqualTo(9);
  }

  @Test
  void escapeDirectiveChangesTheContinuationCharacter() {
    List<Instruction> in = parse("""
        # escape=`
        FROM scratch
        COPY a\\b `
          c:\\dest
        """);
    var copy = (Instruction.Copy) in.get(1);
    assertThat(copy.sources()).containsExactly("a\\b");
    assertThat(copy.dest()).isEqualTo("c:\\dest");
  }

  @Test
  void directivesAreOnlyReadAtTheTop() {
    List<Instruction> in = parse("""
        FROM scratch
        # escape=`
        RUN a \\
          b
        """);
    assertThat(((Instruction.Run) in.get(1)).command()).containsExactly("a   b");
  }

  @Test
  void invalidJsonFallsBackToShellForm() {
    var run = (Instruction.Run) parse("FROM x\nRUN [\"a\", oops]\n").get(1);
    assertThat(run.shell()).isTrue();
    assertThat(run.command()).containsExactly("[\"a\", oops]");
  }

  @Test
  void flagsAreExtractedAndUnknownOnesRefused() {
    var copy = (Instruction.Copy) parse("FROM x\nCOPY --from=build --chown=1:2 --chmod=0755 a b /dst/\n").get(1);
    assertThat(copy.from()).isEqualTo("build");
    assertThat(copy.chown()).isEqualTo("1:2");
    assertThat(copy.chmod()).isEqualTo("0755");
    assertThat(copy.sources()).containsExactly("a", "b");
    assertThat(copy.dest()).isEqualTo("/dst/");
    assertThatThrownBy(() -> parse("FROM x\nCOPY --bogus=1 a b\n"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Dockerfile:2")
        .hasMessageContaining("unknown flag: --bogus");
  }

  @Test
  void buildKitFlagsAreAppliedOrRefusedNeverIgnored() {
    var run = (Instruction.Run) parse("FROM x\nRUN --network=none --security=sandbox true\n").get(1);
    assertThat(run.network()).isEqualTo("none");
    assertThat(((Instruction.Copy) parse("FROM x\nCOPY --link a /b\n").get(1)).sources()).containsExactly("a");
    assertThatThrownBy(() -> parse("FROM x\nRUN --mount=type=cache,target=/root/.m2 mvn package\n"))
        .hasMessageContaining("Dockerfile:2").hasMessageContaining("the --mount option requires BuildKit");
    assertThatThrownBy(() -> parse("FROM x\nRUN --security=insecure true\n")).hasMessageContaining("--security=insecure");
    assertThatThrownBy(() -> parse("FROM x\nRUN --network=bridge2 true\n"))
        .hasMessageContaining("unsupported network mode for RUN: bridge2");
    assertThatThrownBy(() -> parse("FROM x\nCOPY --parents a/b /c\n")).hasMessageContaining("--parents option requires BuildKit");
    assertThatThrownBy(() -> parse("FROM x\nADD --exclude=*.md . /c\n")).hasMessageContaining("--exclude option requires BuildKit");
    assertThatThrownBy(() -> parse("FROM x\nADD --keep-git-dir=true https://x/y.git /c\n"))
        .hasMessageContaining("--keep-git-dir option requires BuildKit");
  }

  @Test
  void heredocsAreReadAfterTheInstruction() {
    List<Instruction> in = parse("""
        FROM x
        RUN <<EOF
        echo one
        echo two
        EOF
        COPY <<-"CONF" /etc/app.conf
        \tkey=$VALUE
        \tCONF
        ENV A=1
        """);
    var run = (Instruction.Run) in.get(1);
    assertThat(run.heredocs()).singleElement().satisfies(h -> {
      assertThat(h.name()).isEqualTo("EOF");
      assertThat(h.content()).isEqualTo("echo one\necho two\n");
      assertThat(h.expand()).isTrue();
    });
    var copy = (Instruction.Copy) in.get(2);
    assertThat(copy.sources()).containsExactly("<<-\"CONF\"");
    assertThat(copy.heredocs().getFirst().content()).isEqualTo("key=$VALUE\n");
    assertThat(copy.heredocs().getFirst().expand()).isFalse();
    assertThat(in.get(3)).isInstanceOf(Instruction.Env.class);
    assertThatThrownBy(() -> parse("FROM x\nRUN <<EOF\necho\n"))
        .hasMessageContaining("unterminated heredoc EOF");
  }

  @Test
  void envAndLabelPairsInBothForms() {
    var env = (Instruction.Env) parse("FROM x\nENV A=1 B=\"two words\" C=three\\ four\n").get(1);
    assertThat(env.pairs()).extracting(Instruction.KeyValue::key).containsExactly("A", "B", "C");
    assertThat(env.pairs().get(1).value()).isEqualTo("\"two words\"");
    var legacy = (Instruction.Env) parse("FROM x\nENV PATH /usr/bin:/bin and more\n").get(1);
    assertThat(legacy.pairs()).containsExactly(new Instruction.KeyValue("PATH", "/usr/bin:/bin and more"));
    assertThatThrownBy(() -> parse("FROM x\nLABEL a=1 b\n")).hasMessageContaining("can't find = in \"b\"");
    assertThatThrownBy(() -> parse("FROM x\nENV A\n")).hasMessageContaining("Dockerfile:2");
  }

  @Test
  void healthcheckForms() {
    var none = (Instruction.Healthcheck) parse("FROM x\nHEALTHCHECK NONE\n").get(1);
    assertThat(none.test()).containsExactly("NONE");
    var shell = (Instruction.Healthcheck) parse(
        "FROM x\nHEALTHCHECK --interval=5s --timeout=2s --start-period=1s --retries=4 CMD wget -q localhost\n").get(1);
    assertThat(shell.test()).containsExactly("CMD-SHELL", "wget -q localhost");
    assertThat(shell.interval()).isEqualTo("5s");
    assertThat(shell.retries()).isEqualTo(4);
    var exec = (Instruction.Healthcheck) parse("FROM x\nHEALTHCHECK CMD [\"true\"]\n").get(1);
    assertThat(exec.test()).containsExactly("CMD", "true");
    assertThatThrownBy(() -> parse("FROM x\nHEALTHCHECK --retries=x CMD true\n")).hasMessageContaining("--retries");
    assertThatThrownBy(() -> parse("FROM x\nHEALTHCHECK RUN true\n")).hasMessageContaining("unknown type");
  }

  @Test
  void errorsNameFileLineAndText() {
    assertThatThrownBy(() -> parse("FROM x\n\nFOO bar\n"))
        .hasMessage("dockerfile parse error on Dockerfile:3: unknown instruction: FOO (in: FOO bar)");
    assertThatThrownBy(() -> parse("FROM a b\n")).hasMessageContaining("one or three arguments");
    assertThatThrownBy(() -> parse("FROM a AS 1stage\n")).hasMessageContaining("invalid name for build stage");
    assertThatThrownBy(() -> parse("FROM a\nCOPY onlyone\n")).hasMessageContaining("at least two arguments");
    assertThatThrownBy(() -> parse("FROM a\nSHELL sh -c\n")).hasMessageContaining("JSON form");
    assertThatThrownBy(() -> parse("FROM a\nONBUILD ONBUILD RUN x\n")).hasMessageContaining("Chaining ONBUILD");
    assertThatThrownBy(() -> parse("FROM a\nONBUILD FROM b\n")).hasMessageContaining("isn't allowed");
    assertThatThrownBy(() -> parse("FROM a\nONBUILD BOGUS b\n")).hasMessageContaining("unknown instruction: BOGUS");
    assertThatThrownBy(() -> parse("# escape=x\nFROM a\n")).hasMessageContaining("invalid escape token");
    assertThatThrownBy(() -> parse("FROM a\nARG 9x=1\n")).hasMessageContaining("invalid ARG name");
  }

  @Test
  void argsBeforeFromAndSeveralPerLine() {
    List<Instruction> in = parse("ARG BASE=busybox\nFROM ${BASE}\nARG a=1 b\n");
    var arg = (Instruction.Arg) in.get(0);
    assertThat(arg.args()).containsExactly(new Instruction.ArgDef("BASE", "busybox"));
    assertThat(((Instruction.From) in.get(1)).image()).isEqualTo("${BASE}");
    assertThat(((Instruction.Arg) in.get(2)).args()).containsExactly(
        new Instruction.ArgDef("a", "1"), new Instruction.ArgDef("b", null));
  }

  @Test
  void keywordsAreCaseInsensitiveAndCrlfIsAccepted() {
    List<Instruction> in = parse("from x\r\nrun echo hi\r\nworkdir /app\r\n");
    assertThat(in).hasSize(3);
    assertThat(((Instruction.Workdir) in.get(2)).path()).isEqualTo("/app");
  }
}
