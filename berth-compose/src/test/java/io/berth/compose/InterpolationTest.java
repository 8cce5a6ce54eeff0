package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every substitution form compose knows, and the errors for the malformed ones. */
class InterpolationTest {
  private final Interpolation i = new Interpolation(Map.of("SET", "v", "EMPTY", "", "PORT", "8788"));

  @Test
  void plainAndBracedNames() {
    assertThat(i.substitute("$SET ${SET} ${SET}x $SET-x $SET.x", "k")).isEqualTo("v v vx v-x v.x");
    assertThat(i.substitute("$UNSET|${UNSET}|", "k")).isEqualTo("||");
    assertThat(i.substitute("http://config-server:${PORT}", "k")).isEqualTo("http://config-server:8788");
  }

  @Test
  void defaultsDistinguishUnsetFromEmpty() {
    assertThat(i.substitute("${UNSET:-d}|${EMPTY:-d}|${SET:-d}", "k")).isEqualTo("d|d|v");
    assertThat(i.substitute("${UNSET-d}|${EMPTY-d}|${SET-d}", "k")).isEqualTo("d||v");
    assertThat(i.substitute("${UNSET:-}", "k")).isEmpty();
    assertThat(i.substitute("${UNSET:-${ALSO_UNSET:-deep}}", "k")).isEqualTo("deep");
    assertThat(i.substitute("${UNSET:-a b:c}", "k")).isEqualTo("a b:c");
  }

  @Test
  void alternativesOnlyWhenSet() {
    assertThat(i.substitute("${SET:+alt}|${EMPTY:+alt}|${UNSET:+alt}", "k")).isEqualTo("alt||");
    assertThat(i.substitute("${SET+alt}|${EMPTY+alt}|${UNSET+alt}", "k")).isEqualTo("alt|alt|");
  }

  @Test
  void requiredVariables() {
    assertThat(i.substitute("${SET:?never shown}${EMPTY?fine when empty}", "k")).isEqualTo("v");
    assertThatThrownBy(() -> i.substitute("${EMPTY:?must not be empty}", "k"))
        .hasMessage("required variable EMPTY is missing a value: must not be empty");
    assertThatThrownBy(() -> i.substitute("${UNSET?}", "k")).hasMessage("required variable UNSET is missing a value");
  }

  @Test
  void dollarsThatAreNotVariables() {
    assertThat(i.substitute("$$SET costs $$5", "k")).isEqualTo("$SET costs $5");
    assertThat(i.substitute("echo $1 and 100$", "k")).isEqualTo("echo $1 and 100$");
  }

  @Test
  void malformedReferencesNameTheKey() {
    assertThatThrownBy(() -> i.substitute("${OOPS", "services.web.image"))
        .hasMessageContaining("invalid interpolation format for services.web.image");
    assertThatThrownBy(() -> i.substitute("${}", "services.web.image"))
        .hasMessageContaining("invalid interpolation format for services.web.image");
    assertThatThrownBy(() -> i.substitute("${SET!x}", "services.web.command"))
        .hasMessageContaining("invalid interpolation format for services.web.command");
  }

  @Test
  void valuesAreSubstitutedKeysAreNot() throws Exception {
    ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(
        "{\"services\":{\"$SET\":{\"image\":\"img:${SET}\",\"command\":[\"echo\",\"$PORT\"],\"scale\":2}}}");
    i.apply(doc, "");
    assertThat(doc.toString()).isEqualTo("{\"services\":{\"$SET\":{\"image\":\"img:v\",\"command\":[\"echo\",\"8788\"],\"scale\":2}}}");
    ObjectNode bad = (ObjectNode) new ObjectMapper().readTree("{\"services\":{\"web\":{\"ports\":[\"${P\"]}}}");
    assertThatThrownBy(() -> i.apply(bad, "")).hasMessageContaining("services.web.ports[0]");
  }
}
