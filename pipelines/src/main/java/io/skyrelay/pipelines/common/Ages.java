package io.skyrelay.pipelines.common;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Ages and points in time as rclone's {@code --max-age} and {@code --min-age} take them: a duration
 * ({@code 90s}, {@code 15m}, {@code 1h30m}, {@code 2d}, {@code 1w}, {@code 6M}, {@code 1y}; a bare
 * number is seconds) counted back from when the job starts, or an absolute date ({@code
 * 2024-01-31}, {@code 2024-01-31T12:00:00}, {@code 2024-01-31 12:00:00}, in the local time zone, or
 * RFC 3339 with a zone or offset).
 */
public final class Ages {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d|w|M|y)");

  /** An age as given: a duration back from the start of the job, or a point in time. */
  public record Age(String text, Duration duration, Instant instant) {
    /** The point in time this age means for a job started at {@code now}. */
    public Instant before(Instant now) {
      return instant != null ? instant : now.minus(duration);
    }
  }

  private Ages() {}

  /** Parses {@code text}; throws with the forms accepted when it is neither form. */
  public static Age parse(String text) {
    String t = text.strip();
    Duration d = duration(t);
    if (d != null) {
      return new Age(text, d, null);
    }
    Instant i = instant(t);
    if (i != null) {
      return new Age(text, null, i);
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is neither an age (like 90s, 15m, 1h30m, 2d, 1w, 6M, 1y) nor a date (like"
            + " 2024-01-31 or 2024-01-31T12:00:00)");
  }

  private static Duration duration(String t) {
    if (t.matches("\\d+(\\.\\d+)?")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    }
    Matcher m = PART.matcher(t);
    int at = 0;
    double millis = 0;
    while (m.find() && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      millis +=
          n
              * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                case "d" -> 86_400_000;
                case "w" -> 7 * 86_400_000.0;
                case "M" -> 30 * 86_400_000.0;
                default -> 365 * 86_400_000.0;
              };
      at = m.end();
    }
    return at == t.length() && at > 0 ? Duration.ofMillis(Math.round(millis)) : null;
  }

  private static Instant instant(String t) {
    try {
      return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
    } catch (DateTimeParseException notWithOffset) {
      // a local date and time, or a date
    }
    try {
      return LocalDateTime.parse(t.replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException notLocal) {
      // a date
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException notADate) {
      return null;
    }
  }

  /** Ages as an option's converter: a value in neither form fails with the forms accepted. */
  public static final class Converter implements ITypeConverter<Age> {
    @Override
    public Age convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
