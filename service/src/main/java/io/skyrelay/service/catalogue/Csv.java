package io.skyrelay.service.catalogue;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV lines as RFC 4180 writes them: fields separated by commas, a field holding a comma, quote or
 * line break quoted, a quote inside doubled. Records are one line each (a quoted line break inside
 * a field is not read).
 */
public final class Csv {

  private Csv() {}

  /** The fields of one line. */
  public static List<String> parse(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else if (c != '\r') {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }

  /** One line of {@code fields}, quoted where needed, without the line break. */
  public static String format(List<String> fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      String f = fields.get(i) == null ? "" : fields.get(i);
      if (f.indexOf(',') >= 0
          || f.indexOf('"') >= 0
          || f.indexOf('\n') >= 0
          || f.indexOf('\r') >= 0) {
        line.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        line.append(f);
      }
    }
    return line.toString();
  }
}
