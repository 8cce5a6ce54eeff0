package io.berth.cluster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.ServiceDependencies.Condition;
import io.berth.cluster.model.ServiceDependencies.Dependency;
import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The depends-on label: compose's conditions, service_started by default, malformed values refused by name. */
class ServiceDependenciesTest {
  private static ServiceDependencies of(String v) {
    return ServiceDependencies.of(Map.of(ServiceDependencies.LABEL, v));
  }

  @Test
  void readsNamesAndConditions() {
    assertThat(ServiceDependencies.of(Map.of()).dependencies()).isEmpty();
    assertThat(of("shop_db:service_healthy, shop_cache,shop_init:service_completed_successfully").dependencies())
        .containsExactly(new Dependency("shop_db", Condition.SERVICE_HEALTHY),
            new Dependency("shop_cache", Condition.SERVICE_STARTED),
            new Dependency("shop_init", Condition.SERVICE_COMPLETED_SUCCESSFULLY));
    assertThat(of("a:service_healthy,b").label()).isEqualTo("a:service_healthy,b:service_started");
  }

  @Test
  void refusesMalformedValuesNamingTheLabel() {
    for (String bad : List.of("", "db:healthy", "db,,web", "db,db", "-x", "db:")) {
      assertThatThrownBy(() -> of(bad)).as(bad).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining(ServiceDependencies.LABEL);
    }
    assertThatThrownBy(() -> of("web").checkFor("web")).hasMessageContaining("cannot depend on itself");
  }
}
