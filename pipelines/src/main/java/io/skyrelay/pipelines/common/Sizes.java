package io.skyrelay.pipelines.common;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte sizes as users write them on the command line and in config files. */
public final class Sizes {

  private Sizes() {}

  /** Parses sizes like {@code 64MiB}, {@code 8MB}, {@code 1TB}, {@code 1048576}. */
  public static long parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
    long mult = 1;
    String[][] units = {
      {"TIB", "1099511627776"},
      {"KIB", "1024"},
      {"MIB", "1048576"},
      {"GIB", "1073741824"},
      {"KB", "1000"},
      {"MB", "1000000"},
      {"GB", "1000000000"},
      {"TB", "1000000000000"},
      {"K", "1024"},
      {"M", "1048576"},
      {"G", "1073741824"},
      {"B", "1"}
    };
    for (String[] u : units) {
      if (t.endsWith(u[0])) {
        mult = Long.parseLong(u[1]);
        t = t.substring(0, t.length() - u[0].length());
        break;
      }
    }
    try {
      return (long) (Double.parseDouble(t) * mult);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size; write it like 64MiB, 8MB or 1048576");
    }
  }

  /**
   * Sizes as an option's converter: a value that is not a size fails with the value and the
   * accepted forms, which picocli prefixes with the option's name.
   */
  public static final class Converter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
