package io.skyrelay.pipelines.common;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Options whose value is one of a few names, written in lower case. A subclass names the values
 * once and serves as the option's converter (a value that is none of them fails with the value and
 * the list, which picocli prefixes with the option's name) and as its completion candidates (which
 * {@code ${COMPLETION-CANDIDATES}} puts in the option's description).
 */
public abstract class Choices<T> implements ITypeConverter<T>, Iterable<String> {

  private final List<String> names;

  protected Choices(List<String> names) {
    this.names = List.copyOf(names);
  }

  /** The lower-case names of {@code type}'s constants. */
  protected static List<String> namesOf(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT))
        .toList();
  }

  /** The value of the name {@code name}, which is one of the names. */
  protected abstract T valueOf(String name);

  @Override
  public T convert(String value) {
    String n = value.trim().toLowerCase(Locale.ROOT);
    if (!names.contains(n)) {
      throw new TypeConversionException(
          "'" + value + "' is not one of " + String.join(", ", names));
    }
    return valueOf(n);
  }

  @Override
  public Iterator<String> iterator() {
    return names.iterator();
  }
}
