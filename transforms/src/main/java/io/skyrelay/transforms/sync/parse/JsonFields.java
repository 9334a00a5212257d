package io.skyrelay.transforms.sync.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the fields of one notification by dotted path, failing with a reason that says which
 * notification ({@code where}, e.g. "S3 record 0") and which field is missing or malformed.
 */
final class JsonFields {

  private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+");

  private final String where;
  private final JsonNode node;

  JsonFields(String where, JsonNode node) {
    this.where = where;
    this.node = node;
  }

  String where() {
    return where;
  }

  ParseFailure failure(String what) {
    return new ParseFailure(where + " " + what);
  }

  /** The node at a dotted path, or null when a step is missing or JSON null. */
  JsonNode at(String path) {
    JsonNode n = node;
    for (String step : path.split("\\.")) {
      if (n == null || !n.isObject()) {
        return null;
      }
      n = n.get(step);
    }
    return n == null || n.isNull() ? null : n;
  }

  /** A string field (a number is taken as its text), or null when absent or empty. */
  String text(String path) throws ParseFailure {
    JsonNode n = at(path);
    if (n == null) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue().isEmpty() ? null : n.textValue();
    }
    if (n.isNumber()) {
      return n.asText();
    }
    throw failure("has " + path + " of type " + typeOf(n) + ", expected a string");
  }

  String requiredText(String path) throws ParseFailure {
    String s = text(path);
    if (s == null) {
      throw failure("has no " + path);
    }
    return s;
  }

  JsonNode requiredObject(String path) throws ParseFailure {
    JsonNode n = at(path);
    if (n == null) {
      throw failure("has no " + path);
    }
    if (!n.isObject()) {
      throw failure("has " + path + " of type " + typeOf(n) + ", expected an object");
    }
    return n;
  }

  /** A size in bytes given as a JSON number or a decimal string, or -1 when absent. */
  long size(String path) throws ParseFailure {
    JsonNode n = at(path);
    if (n == null) {
      return -1;
    }
    if (n.canConvertToExactIntegral() && n.canConvertToLong() && n.asLong() >= 0) {
      return n.asLong();
    }
    if (n.isTextual() && DECIMAL.matcher(n.textValue()).matches()) {
      try {
        return Long.parseLong(n.textValue());
      } catch (NumberFormatException tooLarge) {
        // reported below
      }
    }
    throw failure("has " + path + " " + n + ", expected a whole number of bytes");
  }

  /** An ordering token that must be hexadecimal (S3 and Azure sequencers), or null when absent. */
  String hex(String path) throws ParseFailure {
    String s = text(path);
    if (s != null && !HEX.matcher(s).matches()) {
      throw failure("has " + path + " '" + s + "' that is not hexadecimal");
    }
    return s;
  }

  long requiredTime(String path) throws ParseFailure {
    return epochMillis(where, path, requiredText(path));
  }

  static long epochMillis(String where, String field, String value) throws ParseFailure {
    try {
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new ParseFailure(
          where + " has " + field + " '" + value + "' that is not an ISO-8601 UTC time");
    }
  }

  static boolean isDecimal(String s) {
    return s != null && DECIMAL.matcher(s).matches();
  }

  /** Strips the double quotes an HTTP ETag is sent with, if any. */
  static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  static String typeOf(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
