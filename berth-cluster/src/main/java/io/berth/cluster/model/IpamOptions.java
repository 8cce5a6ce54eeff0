package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A network's address management (Docker's IPAMOptions): the driver ({@code default}) and the blocks. */
public record IpamOptions(@JsonProperty("Driver") Driver driver, @JsonProperty("Configs") List<IpamConfig> configs) {
  public static final String DEFAULT_DRIVER = "default";

  public IpamOptions {
    driver = driver == null || driver.name().isEmpty() ? new Driver(DEFAULT_DRIVER, driver == null ? null : driver.options()) : driver;
    configs = configs == null ? List.of() : List.copyOf(configs);
  }
}
