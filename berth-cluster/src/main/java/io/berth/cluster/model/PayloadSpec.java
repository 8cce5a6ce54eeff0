package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The spec of a secret or a config (Docker's SecretSpec and ConfigSpec, which differ only in the
 * secret's {@code Driver}): a name, labels and the payload. In the store a secret's {@code Data}
 * holds the payload sealed under the cluster's secrets key ({@code io.berth.cluster.secrets}),
 * never the plaintext; the Engine API never shows a secret's Data, and shows a config's.
 */
public record PayloadSpec(
    @JsonProperty("Name") String name,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Data") byte[] data,
    @JsonProperty("Driver") Driver driver,
    @JsonProperty("Templating") Driver templating) {
  public PayloadSpec {
    name = name == null ? "" : name;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    data = data == null ? null : data.clone();
  }

  @Override
  public byte[] data() {
    return data == null ? null : data.clone();
  }

  public PayloadSpec withData(byte[] value) {
    return new PayloadSpec(name, labels, value, driver, templating);
  }

  public PayloadSpec withLabels(Map<String, String> value) {
    return new PayloadSpec(name, value, data, driver, templating);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PayloadSpec p && p.name.equals(name) && p.labels.equals(labels)
        && java.util.Arrays.equals(p.data, data) && java.util.Objects.equals(p.driver, driver)
        && java.util.Objects.equals(p.templating, templating);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, labels, java.util.Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "PayloadSpec[name=" + name + ", labels=" + labels + "]"; // never the payload
  }
}
