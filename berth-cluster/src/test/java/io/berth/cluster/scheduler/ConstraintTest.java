package io.berth.cluster.scheduler;

import static io.berth.cluster.scheduler.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.EngineDescription;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintTest {
  private final Node n = withEngineLabels(node("abc123", Map.of("zone", "east", "Disk", "ssd")), Map.of("gpu", "yes"));

  private static Node withEngineLabels(Node n, Map<String, String> labels) {
    NodeDescription d = n.description();
    return new Node(n.id(), n.version(), null, null, n.spec(),
        new NodeDescription(d.hostname(), d.platform(), d.resources(), new EngineDescription("28", labels)), n.status());
  }

  private boolean matches(String text) {
    return Constraint.parse(text).matches(n);
  }

  @Test
  void matchesEachKeyWithEqualAndNotEqual() {
    assertThat(matches("node.id==abc123")).isTrue();
    assertThat(matches("node.id!=abc123")).isFalse();
    assertThat(matches("node.hostname==host-abc123")).isTrue();
    assertThat(matches("node.role==worker")).isTrue();
    assertThat(matches("node.role==manager")).isFalse();
    assertThat(matches("node.platform.os==linux")).isTrue();
    assertThat(matches("node.platform.arch==x86_64")).isTrue();
    assertThat(matches("node.labels.zone==east")).isTrue();
    assertThat(matches("node.labels.zone!=west")).isTrue();
    assertThat(matches("engine.labels.gpu==yes")).isTrue();
    assertThat(matches("engine.labels.gpu==no")).isFalse();
  }

  @Test
  void comparesValuesAndKeysWithoutCaseButLabelNamesWithCase() {
    assertThat(matches("NODE.ROLE == WORKER")).isTrue();
    assertThat(matches("node.labels.zone==EAST")).isTrue();
    assertThat(matches("node.labels.Disk==ssd")).isTrue();
    assertThat(matches("node.labels.disk==ssd")).isFalse();
  }

  @Test
  void aMissingLabelReadsAsEmpty() {
    assertThat(matches("node.labels.rack==r1")).isFalse();
    assertThat(matches("node.labels.rack!=r1")).isTrue();
  }

  @Test
  void nodeIpTakesAnAddressOrANetwork() {
    assertThat(matches("node.ip==10.0.0.1")).isTrue();
    assertThat(matches("node.ip==10.0.0.0/24")).isTrue();
    assertThat(matches("node.ip!=10.0.0.0/24")).isFalse();
    assertThat(matches("node.ip==10.0.1.0/24")).isFalse();
    assertThatThrownBy(() -> Constraint.parse("node.ip==somehost"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not an IP address or CIDR network");
  }

  @Test
  void refusesMalformedConstraintsByName() {
    assertThatThrownBy(() -> Constraint.parse("node.role=worker"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("invalid constraint 'node.role=worker': constraint expected one operator from ==, !=");
    assertThatThrownBy(() -> Constraint.parse("no de==x"))
        .hasMessage("invalid constraint 'no de==x': key 'no de' is invalid");
    assertThatThrownBy(() -> Constraint.parse("node.role==a<b"))
        .hasMessage("invalid constraint 'node.role==a<b': value 'a<b' is invalid");
    assertThatThrownBy(() -> Constraint.parse("node.lables.zone==a"))
        .hasMessageStartingWith("invalid constraint 'node.lables.zone==a': key 'node.lables.zone' is not one of node.id");
    assertThatThrownBy(() -> Constraint.parse("node.labels.==a")).hasMessageContaining("is not one of");
  }
}
