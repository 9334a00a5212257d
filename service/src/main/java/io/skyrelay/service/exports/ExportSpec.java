package io.skyrelay.service.exports;

import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.service.ApiException;
import io.skyrelay.service.Json;
import io.skyrelay.service.catalogue.Column;
import io.skyrelay.service.catalogue.ColumnType;
import io.skyrelay.service.catalogue.Dataset;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What an export request asks for, checked against its dataset and normalised, so that two requests
 * for the same data have the same {@link #key()}: key prefixes sorted with those inside another
 * dropped, the sample ratio as a number, columns in the dataset's order (none given: all), row
 * filters with canonical values, sorted and without repeats.
 *
 * @param keyPrefixes prefixes (relative to the dataset's location) of the objects to export; empty
 *     for all
 * @param keyGlob a glob over relative keys ({@code *} within a folder, {@code **} across folders,
 *     {@code ?} one character, {@code [abc]} or {@code [a-c]} one of a set, {@code [!a]} not), or
 *     null
 * @param sampleRatio the fraction of objects (or rows) kept, in (0, 1]; the choice is a
 *     deterministic function of the key (or row), so a request run again exports the same sample
 * @param columns for tabular datasets the columns written, in the dataset's order; else empty
 * @param filters for tabular datasets the row conditions, all of which a row must pass
 */
public record ExportSpec(
    String dataset,
    List<String> keyPrefixes,
    String keyGlob,
    double sampleRatio,
    List<String> columns,
    List<RowFilter> filters)
    implements Serializable {

  private static final Set<String> FIELDS =
      Set.of("dataset", "keyPrefixes", "keyGlob", "sampleRatio", "columns", "filters");

  /**
   * The spec of the request {@code body} for {@code dataset}.
   *
   * @throws ApiException (400) naming the field that is wrong: an unknown field, a ratio outside
   *     (0, 1], an unknown or repeated column, an operator the column's type does not allow, a
   *     value not of the column's type, columns or filters on a dataset that is not tabular
   */
  public static ExportSpec parse(JsonNode body, Dataset dataset) {
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                throw ApiException.badRequest(
                    "unknown field '" + f + "'; an export request has " + new TreeSet<>(FIELDS));
              }
            });
    TreeSet<String> prefixes = new TreeSet<>();
    for (JsonNode p : array(body, "keyPrefixes")) {
      if (!p.isTextual()) {
        throw ApiException.badRequest("keyPrefixes: each prefix is a string, not " + p);
      }
      prefixes.add(p.asText());
    }
    List<String> kept = new ArrayList<>();
    for (String p : prefixes) {
      if (p.isEmpty()) {
        kept.clear();
        break;
      }
      if (kept.isEmpty() || !p.startsWith(kept.get(kept.size() - 1))) {
        kept.add(p);
      }
    }
    if (prefixes.contains("")) {
      kept = List.of();
    }
    String glob = null;
    if (body.hasNonNull("keyGlob")) {
      if (!body.get("keyGlob").isTextual() || body.get("keyGlob").asText().isEmpty()) {
        throw ApiException.badRequest("keyGlob: a non-empty string such as \"**/*.csv\"");
      }
      glob = body.get("keyGlob").asText();
    }
    double ratio = 1.0;
    if (body.hasNonNull("sampleRatio")) {
      JsonNode r = body.get("sampleRatio");
      if (!r.isNumber() || r.asDouble() <= 0 || r.asDouble() > 1) {
        throw ApiException.badRequest(
            "sampleRatio: a number greater than 0 and at most 1, not " + r);
      }
      ratio = r.asDouble();
    }
    List<String> columns = List.of();
    List<RowFilter> filters = List.of();
    if (dataset.tabular()) {
      if (dataset.columns().isEmpty()) {
        throw new ApiException(
            409, "dataset '" + dataset.name() + "' has no schema yet: wait for its profile");
      }
      columns = columns(body, dataset);
      filters = filters(body, dataset);
    } else {
      for (String f : List.of("columns", "filters")) {
        if (body.hasNonNull(f) && body.get(f).size() > 0) {
          throw ApiException.badRequest(
              f
                  + ": dataset '"
                  + dataset.name()
                  + "' holds objects, not rows; only keyPrefixes, keyGlob and sampleRatio apply");
        }
      }
    }
    return new ExportSpec(dataset.name(), List.copyOf(kept), glob, ratio, columns, filters);
  }

  private static List<String> columns(JsonNode body, Dataset dataset) {
    List<String> asked = new ArrayList<>();
    int i = 0;
    for (JsonNode c : array(body, "columns")) {
      if (!c.isTextual()) {
        throw ApiException.badRequest("columns[" + i + "]: a column name, not " + c);
      }
      if (dataset.column(c.asText()) == null) {
        throw ApiException.badRequest(
            "columns["
                + i
                + "]: unknown column '"
                + c.asText()
                + "' (dataset '"
                + dataset.name()
                + "' has "
                + names(dataset)
                + ")");
      }
      if (asked.contains(c.asText())) {
        throw ApiException.badRequest(
            "columns[" + i + "]: column '" + c.asText() + "' is named twice");
      }
      asked.add(c.asText());
      i++;
    }
    List<String> ordered = new ArrayList<>();
    for (Column c : dataset.columns()) {
      if (asked.isEmpty() || asked.contains(c.name())) {
        ordered.add(c.name());
      }
    }
    return List.copyOf(ordered);
  }

  private static List<RowFilter> filters(JsonNode body, Dataset dataset) {
    TreeSet<RowFilter> filters =
        new TreeSet<>(
            Comparator.comparing(RowFilter::column)
                .thenComparing(RowFilter::op)
                .thenComparing(f -> f.value() == null ? "" : f.value()));
    int i = 0;
    for (JsonNode f : array(body, "filters")) {
      String where = "filters[" + i + "]";
      if (!f.isObject()) {
        throw ApiException.badRequest(where + ": an object {column, op, value}, not " + f);
      }
      f.fieldNames()
          .forEachRemaining(
              n -> {
                if (!Set.of("column", "op", "value").contains(n)) {
                  throw ApiException.badRequest(
                      where + ": unknown field '" + n + "'; a filter has column, op and value");
                }
              });
      String name = f.path("column").asText("");
      Column column = dataset.column(name);
      if (column == null) {
        throw ApiException.badRequest(
            where
                + ".column: unknown column '"
                + name
                + "' (dataset '"
                + dataset.name()
                + "' has "
                + names(dataset)
                + ")");
      }
      String op = f.path("op").asText("");
      List<String> allowed = RowFilter.ALLOWED.get(column.type());
      if (!allowed.contains(op)) {
        throw ApiException.badRequest(
            where
                + ".op: operator '"
                + op
                + "' is not allowed on "
                + column.type()
                + " column '"
                + name
                + "' (allowed: "
                + String.join(", ", allowed)
                + ")");
      }
      String value = null;
      if (RowFilter.NULLS.contains(op)) {
        if (f.hasNonNull("value")) {
          throw ApiException.badRequest(where + ".value: operator '" + op + "' takes no value");
        }
      } else {
        value = canonical(f.get("value"), column, where + ".value");
      }
      filters.add(new RowFilter(name, op, value));
      i++;
    }
    return List.copyOf(filters);
  }

  /** The canonical text of a filter's value for {@code column}'s type, or a 400 naming it. */
  private static String canonical(JsonNode v, Column column, String where) {
    ColumnType type = column.type();
    String wrong =
        where
            + ": "
            + (v == null ? "missing" : v.toString())
            + " is not "
            + (type == ColumnType.INTEGER ? "an " : "a ")
            + type
            + " (column '"
            + column.name()
            + "')";
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(wrong);
    }
    switch (type) {
      case INTEGER:
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          return Long.toString(v.asLong());
        }
        if (v.isNumber()) {
          BigDecimal d = v.decimalValue();
          if (d.stripTrailingZeros().scale() <= 0) {
            return d.toBigInteger().toString();
          }
        }
        throw ApiException.badRequest(wrong);
      case FLOAT:
        if (v.isNumber()) {
          return Double.toString(v.asDouble());
        }
        throw ApiException.badRequest(wrong);
      case BOOLEAN:
        if (v.isBoolean()) {
          return Boolean.toString(v.asBoolean());
        }
        throw ApiException.badRequest(wrong);
      case DATETIME:
        if (v.isTextual() && type.accepts(v.asText())) {
          return ((Instant) type.value(v.asText())).toString();
        }
        throw ApiException.badRequest(wrong + "; give an ISO date or date-time");
      default:
        if (v.isTextual()) {
          return v.asText();
        }
        throw ApiException.badRequest(wrong);
    }
  }

  private static Iterable<JsonNode> array(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw ApiException.badRequest(field + ": an array, not " + n);
    }
    return n;
  }

  private static String names(Dataset dataset) {
    return String.join(", ", dataset.columns().stream().map(Column::name).toList());
  }

  /** The normalised request as one string: identical requests have equal keys. */
  public String key() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", dataset);
    m.put("keyPrefixes", keyPrefixes);
    m.put("keyGlob", keyGlob);
    m.put("sampleRatio", sampleRatio);
    m.put("columns", columns);
    m.put("filters", filters);
    return Json.write(m);
  }

  /** The spec as stored and shown. */
  public JsonNode toJson() {
    return Json.read(key());
  }

  /** The spec stored as {@link #key()}. */
  public static ExportSpec fromKey(String key) {
    try {
      return Json.MAPPER.readValue(key, ExportSpec.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored export spec is unreadable: " + e.getMessage(), e);
    }
  }

  /** Whether the object with relative key {@code key} is exported (before sampling). */
  public boolean selectsKey(String key) {
    if (!keyPrefixes.isEmpty() && keyPrefixes.stream().noneMatch(key::startsWith)) {
      return false;
    }
    return keyGlob == null || globPattern(keyGlob).matcher(key).matches();
  }

  /** Whether the sample keeps the object or row identified by {@code text}. */
  public boolean sampled(String text) {
    return sampleRatio >= 1.0 || sampleHash(text) < sampleRatio * Long.MAX_VALUE;
  }

  static long sampleHash(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return (h ^ (h >>> 31)) >>> 1;
  }

  /** The regular expression of a key glob. */
  static Pattern globPattern(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        re.append(".*");
        i++;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
        int end = glob.indexOf(']', i + 2);
        String set = glob.substring(i + 1, end);
        re.append('[');
        if (set.startsWith("!")) {
          re.append('^');
          set = set.substring(1);
        }
        re.append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
        i = end;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
