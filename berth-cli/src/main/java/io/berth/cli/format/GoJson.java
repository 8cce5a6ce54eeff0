package io.berth.cli.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;

/**
 * Indents JSON the way docker's {@code inspect} does (Go's {@code json.Indent} with four
 * spaces): {@code "Key": value}, empty arrays and objects as {@code []} and {@code {}}.
 * Jackson's pretty printer writes {@code "Key" : value} and {@code [ ]}, which scripts that
 * grep docker's output do not expect.
 */
public final class GoJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private GoJson() {}

  public static String indent(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(node, sb, "");
    return sb.toString();
  }

  private static void write(JsonNode n, StringBuilder sb, String pad) {
    String inner = pad + "    ";
    if (n.isArray()) {
      if (n.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < n.size(); i++) {
        sb.append(inner);
        write(n.get(i), sb, inner);
        sb.append(i < n.size() - 1 ? ",\n" : "\n");
      }
      sb.append(pad).append(']');
    } else if (n.isObject()) {
      if (n.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        sb.append(inner).append(scalar(MAPPER.getNodeFactory().textNode(e.getKey()))).append(": ");
        write(e.getValue(), sb, inner);
        sb.append(it.hasNext() ? ",\n" : "\n");
      }
      sb.append(pad).append('}');
    } else {
      sb.append(scalar(n));
    }
  }

  private static String scalar(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON scalar could not be written", e);
    }
  }
}
