package io.berth.cluster.allocator;

import static io.berth.cluster.allocator.AllocFixture.ingressPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.orchestrator.ManagerLoops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many services created at once, from many threads, while the leader's loops run: the allocator,
 * the one writer of ports and addresses, hands none out twice (each batch names the versions it
 * read; a pass that lost a race reads again).
 */
class ConcurrentAllocationTest {
  @Test
  void concurrentCreatesGetUniquePortsAndAddresses() throws Exception {
    AllocFixture f = new AllocFixture();
    f.ingress();
    f.overlay("front");
    f.node("n1");
    f.node("n2");
    int threads = 8;
    int each = 5;
    try (ManagerLoops loops = new ManagerLoops(f.state, f.clock, Duration.ofMillis(20));
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      loops.start();
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int thread = i;
        done.add(pool.submit(() -> {
          for (int j = 0; j < each; j++) {
            ServiceSpec s = AllocFixture.spec("s" + thread + "x" + j, List.of("front"), ingressPort(80, 0));
            f.services.create(new ServiceSpec(s.name(), null, s.taskTemplate(), ServiceMode.ofReplicated(2),
                s.endpointSpec()), null);
          }
          return null;
        }));
      }
      for (Future<?> d : done) {
        d.get();
      }
      awaitAllocated(f, threads * each);
    }
    List<Service> services = f.state.services();
    assertThat(services).hasSize(threads * each);
    assertThat(services).flatExtracting(s -> s.endpoint().ports()).extracting(p -> p.publishedPort())
        .hasSize(threads * each).doesNotHaveDuplicates().allMatch(p -> p >= 30000 && p <= 32767);
    assertThat(f.everyAddress()).as("VIPs (2 per service), task addresses (2 per task), node addresses")
        .hasSize(threads * each * 2 + threads * each * 2 * 2 + 2).doesNotHaveDuplicates();
  }

  /** Waits (at most 400 store moves or 50 ms waits) until every service and its two tasks are allocated. */
  private static void awaitAllocated(AllocFixture f, int services) throws InterruptedException {
    long index = f.state.store().index();
    for (int i = 0; i < 400; i++) {
      List<Service> ss = f.state.services();
      List<Task> ts = f.state.tasks();
      if (ss.size() == services && ss.stream().allMatch(s -> s.endpoint() != null && s.endpoint().virtualIps().size() == 2)
          && ts.size() == services * 2 && ts.stream().allMatch(t -> t.networksAttachments().size() == 2)) {
        return;
      }
      index = f.state.store().awaitIndex(index, Duration.ofMillis(50));
    }
    throw new AssertionError("not all allocated: " + f.state.services().size() + " services, tasks "
        + f.state.tasks().stream().map(t -> t.networksAttachments().size()).toList());
  }
}
