package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stack on a three-node lab through the stock docker CLI: an image in the lab's registry pinned
 * to its digest ({@code --resolve-image always}), one replica per node
 * ({@code max_replicas_per_node}), the published port answering on every node and balancing over
 * the three tasks, and redeploys of the same file ({@code always} asking the registry again,
 * {@code never} keeping the pinned image) that change no service.
 */
class StackLabIT {
  static final DrillLab LAB = new DrillLab("stk");
  static final String M = "node1";
  static final int PORT = 28710;
  static String image;

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    LAB.up(3, 1);
    image = LAB.pushBusybox(M, "stk/busybox:1");
  }

  @AfterAll
  static void down() {
    LAB.down();
  }

  @Test
  void aStackSpreadsOverTheNodesAndItsPortAnswersOnEachOfThem() throws Exception {
    Path dir = Files.createTempDirectory(TestDaemon.BASE, "stacklab");
    Path file = dir.resolve("compose.yml");
    Files.writeString(file, """
        services:
          web:
            image: %s
            command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www"]
            ports: ["%d:80"]
            networks: [front]
            deploy:
              replicas: 3
              placement: {max_replicas_per_node: 1}
        networks:
          front: {}
        """.formatted(image, PORT));
    DrillLab.ok(LAB.docker(M, "stack", "deploy", "-c", file.toString(), "shop"), "docker stack deploy");
    assertThat(LAB.out(M, "service", "inspect", "shop_web", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}").strip())
        .as("pinned to the registry's digest").startsWith(image + "@sha256:");
    List<String> tasks = DrillLab.await("three web tasks running", () -> LAB.running(M, "shop_web"),
        r -> r.size() == 3 && r.stream().allMatch(l -> l.endsWith(" Running")));
    assertThat(tasks).extracting(l -> l.split(" ")[1]).containsExactlyInAnyOrder("node1", "node2", "node3");
    assertThat(LAB.out(M, "stack", "services", "shop", "--format", "{{.Name}} {{.Replicas}} {{.Ports}}").strip())
        .isEqualTo("shop_web 3/3 (max 1 per node) *:" + PORT + "->80/tcp");

    Set<String> hostnames = new HashSet<>();
    for (String node : List.of("node1", "node2", "node3")) {
      hostnames.addAll(LAB.out(node, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=shop_web").lines().toList());
    }
    assertThat(hostnames).hasSize(3);
    for (String node : List.of("node1", "node2", "node3")) {
      String address = LAB.addresses.get(node);
      DrillLab.await("the mesh on " + node + " reaching all three tasks", () -> OverlayProbe.curl(address, PORT, "/", 9),
          r -> hostnames.containsAll(r) && Set.copyOf(r).size() == 3);
    }

    String version = LAB.out(M, "service", "inspect", "shop_web", "--format", "{{.Version.Index}}").strip();
    for (String resolve : List.of("always", "never", "changed")) {
      DrillLab.ok(LAB.docker(M, "stack", "deploy", "--resolve-image", resolve, "-c", file.toString(), "shop"),
          "redeploy with --resolve-image " + resolve);
      assertThat(LAB.out(M, "service", "inspect", "shop_web", "--format", "{{.Version.Index}}").strip())
          .as("an unchanged file changes nothing (--resolve-image " + resolve + ")").isEqualTo(version);
    }
    assertThat(LAB.running(M, "shop_web")).isEqualTo(tasks);
  }
}
