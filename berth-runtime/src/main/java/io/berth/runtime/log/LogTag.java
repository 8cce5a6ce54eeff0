package io.berth.runtime.log;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tag} log option: Docker's Go template over the container's facts. Berth fills the
 * placeholders Docker documents ({@code {{.ID}}}, {@code {{.Name}}}, {@code {{.ImageName}}}, ...)
 * and refuses any other template action by name instead of printing it verbatim.
 */
public final class LogTag {
  /** The fields a tag may name, as Docker's logger.Info offers them. */
  public static final Set<String> FIELDS = Set.of("ID", "FullID", "Name", "Command", "ImageID", "ImageFullID",
      "ImageName", "Hostname", "DaemonName");
  private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}");
  private static final Pattern FIELD = Pattern.compile("\\s*\\.(\\w+)\\s*");

  private LogTag() {}

  static void validate(String template) {
    render(template, Map.of(), true);
  }

  /** The tag for a container whose facts are {@code fields} (keys from {@link #FIELDS}). */
  public static String render(String template, Map<String, String> fields) {
    return render(template, fields, false);
  }

  private static String render(String template, Map<String, String> fields, boolean checkOnly) {
    Matcher m = ACTION.matcher(template);
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (m.find()) {
      Matcher f = FIELD.matcher(m.group(1));
      if (!f.matches() || !FIELDS.contains(f.group(1))) {
        throw new InvalidArgumentException("log opt tag: template action {{" + m.group(1)
            + "}} is not supported by Berth (use {{.ID}}, {{.FullID}}, {{.Name}}, {{.Command}}, {{.ImageID}}, "
            + "{{.ImageFullID}}, {{.ImageName}}, {{.Hostname}} or {{.DaemonName}})");
      }
      out.append(template, at, m.start());
      if (!checkOnly) {
        out.append(fields.getOrDefault(f.group(1), ""));
      }
      at = m.end();
    }
    if (template.indexOf("{{", at) >= 0) {
      throw new InvalidArgumentException("log opt tag: unclosed action in template '" + template + "'");
    }
    return out.append(template, at, template.length()).toString();
  }
}
