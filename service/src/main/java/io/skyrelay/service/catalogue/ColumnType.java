package io.skyrelay.service.catalogue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The type of a tabular dataset's column, inferred by profiling from the values seen: the narrowest
 * of INTEGER, FLOAT, BOOLEAN, DATETIME that every non-empty value parses as, else STRING.
 */
public enum ColumnType {
  INTEGER,
  FLOAT,
  BOOLEAN,
  DATETIME,
  STRING;

  /** The type named {@code text}, any case. */
  public static ColumnType parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }

  /** Whether {@code text} (non-empty) is a value of this type. */
  public boolean accepts(String text) {
    try {
      value(text);
      return true;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return false;
    }
  }

  /**
   * {@code text} as a comparable value of this type: Long, Double, Boolean, Instant or String.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public Comparable<?> value(String text) {
    switch (this) {
      case INTEGER:
        return Long.parseLong(text.trim());
      case FLOAT:
        double d = Double.parseDouble(text.trim());
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException("not a finite number: " + text);
        }
        return d;
      case BOOLEAN:
        String b = text.trim().toLowerCase(Locale.ROOT);
        if (b.equals("true") || b.equals("false")) {
          return Boolean.valueOf(b);
        }
        throw new IllegalArgumentException("not true or false: " + text);
      case DATETIME:
        return instant(text.trim());
      default:
        return text;
    }
  }

  private static Instant instant(String text) {
    if (text.length() == 10) {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException noOffset) {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
  }
}
