package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/STORES.md lists exactly the settings the connectors declare: one table per scheme, each
 * exactly as {@link #table} renders it from the declarations. When a declaration changes, paste the
 * table this test prints into the doc.
 */
class StoreSettingsDocTest {

  private static final Path DOC = Path.of("..", "docs", "STORES.md");
  private static final Pattern MARKER = Pattern.compile("<!-- settings of (\\w+):// -->");

  @Test
  void theDocListsExactlyTheDeclaredSettingsOfEveryConnector() throws Exception {
    List<String> lines = Files.readAllLines(DOC);
    Map<String, String> documented = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = MARKER.matcher(lines.get(i));
      if (m.matches()) {
        List<String> block = new ArrayList<>();
        block.add(lines.get(i));
        for (int j = i + 1; j < lines.size() && !lines.get(j).isBlank(); j++) {
          block.add(lines.get(j));
        }
        documented.put(m.group(1), String.join("\n", block));
      }
    }
    Map<String, String> declared = new TreeMap<>();
    ObjectStores.providers()
        .forEach((scheme, provider) -> declared.put(scheme, table(scheme, provider.settings())));
    assertEquals(
        declared,
        documented,
        DOC
            + " differs from the connectors' declarations; its tables should read:\n\n"
            + String.join("\n\n", declared.values())
            + "\n");
  }

  /** The marker and table of one scheme's settings, as docs/STORES.md holds it. */
  static String table(String scheme, List<StoreSetting> settings) {
    StringBuilder b = new StringBuilder("<!-- settings of " + scheme + ":// -->");
    if (settings.isEmpty()) {
      return b.append("\nNo settings.").toString();
    }
    b.append("\n| Setting | Type | Secret | Default | What it does |");
    b.append("\n|---|---|---|---|---|");
    for (StoreSetting s : settings) {
      String type =
          s.type() == StoreSetting.Type.ENUM
              ? "one of "
                  + s.values().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "))
              : s.type().label();
      b.append("\n| `")
          .append(s.name())
          .append("` | ")
          .append(type)
          .append(" | ")
          .append(s.secret() ? "yes" : "no")
          .append(" | ")
          .append(s.defaultValue().isEmpty() ? "none" : s.defaultValue())
          .append(" | ")
          .append(s.description())
          .append(" |");
    }
    return b.toString();
  }
}
