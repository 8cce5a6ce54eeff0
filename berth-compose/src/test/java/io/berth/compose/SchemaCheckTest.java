package io.berth.compose;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** Schema errors as messages that name the key and say what was expected, one line per problem. */
class SchemaCheckTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static void check(String yaml) throws Exception {
    SchemaCheck.validate(YAML.readTree(yaml), "compose.yaml");
  }

  @Test
  void wrongTypeNamesTheKeyAndEveryAcceptedType() {
    assertThatThrownBy(() -> check("services: {web: {image: x, environment: 5}}"))
        .hasMessage("validating compose.yaml: services.web.environment: integer found, object or array expected");
    assertThatThrownBy(() -> check("services: {web: {image: x, restart: 5}}"))
        .hasMessage("validating compose.yaml: services.web.restart: integer found, string expected");
  }

  @Test
  void theBranchThatGotFurthestIsReported() {
    // depends_on is a list or a mapping; the mapping branch found the real problem
    assertThatThrownBy(() -> check("services: {web: {image: x, depends_on: {db: {condition: service_ready}}}, db: {image: y}}"))
        .hasMessageStartingWith("validating compose.yaml: services.web.depends_on.db.condition: ")
        .hasMessageContaining("service_healthy")
        .hasMessageNotContaining("array expected")
        .hasMessageNotContaining("one and only one");
    assertThatThrownBy(() -> check("services: {web: {image: x, networks: {front: {aliases: w}}}}\nnetworks: {front: {}}"))
        .hasMessage("validating compose.yaml: services.web.networks.front.aliases: string found, array expected");
    assertThatThrownBy(() -> check("services: {web: {image: x, healthcheck: {test: [CMD, true]}}}"))
        .hasMessage("validating compose.yaml: services.web.healthcheck.test[1]: boolean found, string expected");
  }

  @Test
  void unknownKeysAreNamed() {
    assertThatThrownBy(() -> check("servces: {web: {image: x}}"))
        .hasMessage("validating compose.yaml: servces: additional property servces is not allowed");
    assertThatThrownBy(() -> check("services: {web: {image: x, restartt: always}}"))
        .hasMessage("validating compose.yaml: services.web.restartt: additional property restartt is not allowed");
    assertThatThrownBy(() -> check("services: {web: {image: x, ports: [{target: 80, publishd: 8080}]}}"))
        .hasMessageContaining("services.web.ports[0].publishd: additional property publishd is not allowed");
  }

  @Test
  void severalProblemsAreListedUpToFive() {
    assertThatThrownBy(() -> check("services: {a: {image: 1, x1: 1, x2: 2, x3: 3, x4: 4, x5: 5, x6: 6}}"))
        .hasMessageContaining("; and ").hasMessageContaining("more");
  }
}
