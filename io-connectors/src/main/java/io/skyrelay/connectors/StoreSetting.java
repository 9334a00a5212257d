package io.skyrelay.connectors;

import java.io.Serializable;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting a connector accepts, as its {@link ObjectStoreProvider#settings()} declares it: the
 * name users write, the type its value must have, whether the value is a credential, the default
 * when unset, and a one-line description. The declarations are the single source of what a store
 * accepts: {@link StoreSettings} masks and registers secrets from them, stores files are checked
 * against them, and docs/STORES.md lists them.
 *
 * @param name the key, lower case with hyphens ({@code path-style})
 * @param type what values are accepted
 * @param values the accepted values of an {@link Type#ENUM}; empty for other types
 * @param secret whether the value is a credential: masked in {@link StoreSettings#toString()} and
 *     registered with {@link Redactor}
 * @param defaultValue what applies when the setting is unset, in words ({@code 64}, {@code true
 *     with an endpoint, else false}); empty when there is none
 * @param description one line on what the setting does
 */
public record StoreSetting(
    String name,
    Type type,
    List<String> values,
    boolean secret,
    String defaultValue,
    String description)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The kinds of values a setting takes. */
  public enum Type {
    STRING("string"),
    BOOLEAN("boolean"),
    INTEGER("integer"),
    /** A number of bytes, plain or with a unit: {@code 1048576}, {@code 64MiB}, {@code 5 GB}. */
    SIZE("size"),
    /** A file system path. */
    PATH("path"),
    /** One of the declaration's {@link StoreSetting#values()}. */
    ENUM("enum");

    private final String label;

    Type(String label) {
      this.label = label;
    }

    /** The name used in messages and docs. */
    public String label() {
      return label;
    }
  }

  private static final Pattern SIZE =
      Pattern.compile("(?i)\\s*(\\d+)\\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?\\s*");

  public StoreSetting {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    values = List.copyOf(values);
    defaultValue = defaultValue == null ? "" : defaultValue;
    Objects.requireNonNull(description, "description");
    if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "setting name '" + name + "' is not lower case with hyphens");
    }
    if ((type == Type.ENUM) == values.isEmpty()) {
      throw new IllegalArgumentException(
          "setting " + name + ": an enum declares its values, other types none");
    }
  }

  public static StoreSetting string(String name, String description) {
    return new StoreSetting(name, Type.STRING, List.of(), false, "", description);
  }

  public static StoreSetting bool(String name, String defaultValue, String description) {
    return new StoreSetting(name, Type.BOOLEAN, List.of(), false, defaultValue, description);
  }

  public static StoreSetting integer(String name, String defaultValue, String description) {
    return new StoreSetting(name, Type.INTEGER, List.of(), false, defaultValue, description);
  }

  public static StoreSetting size(String name, String defaultValue, String description) {
    return new StoreSetting(name, Type.SIZE, List.of(), false, defaultValue, description);
  }

  public static StoreSetting path(String name, String description) {
    return new StoreSetting(name, Type.PATH, List.of(), false, "", description);
  }

  public static StoreSetting oneOf(
      String name, List<String> values, String defaultValue, String description) {
    return new StoreSetting(name, Type.ENUM, values, false, defaultValue, description);
  }

  /** A credential: masked wherever settings are printed, and never echoed in an error. */
  public static StoreSetting secret(String name, String description) {
    return new StoreSetting(name, Type.STRING, List.of(), true, "", description);
  }

  /** A copy with {@code defaultValue} as its default. */
  public StoreSetting withDefault(String defaultValue) {
    return new StoreSetting(name, type, values, secret, defaultValue, description);
  }

  /** What values are expected, for messages: {@code a boolean (true or false)}. */
  public String expected() {
    return switch (type) {
      case STRING -> "a string";
      case BOOLEAN -> "a boolean (true or false)";
      case INTEGER -> "an integer";
      case SIZE -> "a size (bytes, or a number with a unit such as 64MiB or 5GB)";
      case PATH -> "a path";
      case ENUM -> "one of " + String.join(", ", values);
    };
  }

  /**
   * Checks {@code value} against the type; the message of the exception names the setting and the
   * expected type, and quotes the value only when it is not a secret.
   *
   * @throws IllegalArgumentException if the value is not of the declared type
   */
  public void check(String value) {
    if (!accepts(value)) {
      throw new IllegalArgumentException(
          "store setting "
              + name
              + " expects "
              + expected()
              + ", got "
              + (secret ? "another value" : "'" + value + "'"));
    }
  }

  private boolean accepts(String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim();
    return switch (type) {
      case STRING -> true;
      case BOOLEAN -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
      case INTEGER -> parsesAsInt(v);
      case SIZE -> parseSize(v) >= 0;
      case PATH -> isPath(v);
      case ENUM -> values.stream().anyMatch(v::equalsIgnoreCase);
    };
  }

  private static boolean parsesAsInt(String v) {
    try {
      Integer.parseInt(v);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isPath(String v) {
    if (v.isEmpty()) {
      return false;
    }
    try {
      Path.of(v);
      return true;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * Bytes in a size such as {@code 64MiB}, {@code 5 GB} or {@code 1048576}; -1 if it is not one.
   */
  public static long parseSize(String value) {
    Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      return -1;
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "kb" -> 1_000L;
          case "mb" -> 1_000_000L;
          case "gb" -> 1_000_000_000L;
          case "tb" -> 1_000_000_000_000L;
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          case "tib" -> 1L << 40;
          default -> 1L;
        };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
    } catch (ArithmeticException | NumberFormatException tooLarge) {
      return -1;
    }
  }

  /**
   * The valid name closest to a misspelt {@code key}, if one is obviously meant: at most two edits
   * away (a transposition counts as one), and not closer to another name as well.
   */
  public static String closest(String key, Collection<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    boolean tie = false;
    for (String n : names) {
      int d = distance(key, n);
      if (d < bestDistance) {
        best = n;
        bestDistance = d;
        tie = false;
      } else if (d == bestDistance) {
        tie = true;
      }
    }
    int allowed = Math.min(2, Math.max(1, key.length() / 4));
    return best != null && !tie && bestDistance <= allowed ? best : null;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
