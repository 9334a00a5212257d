package io.skyrelay.service.exports;

import io.skyrelay.service.catalogue.ColumnType;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One typed row condition of a tabular export: {@code column op value}, the value kept as its
 * canonical text for the column's type (so {@code 3}, {@code 3.0} and {@code "3"} on an INTEGER
 * column are the same filter). {@code isNull} and {@code notNull} take no value.
 */
public record RowFilter(String column, String op, String value) implements Serializable {

  static final Set<String> ORDERED = Set.of("=", "!=", "<", "<=", ">", ">=");
  static final Set<String> NULLS = Set.of("isNull", "notNull");

  /** The operators each column type allows. */
  static final Map<ColumnType, List<String>> ALLOWED =
      Map.of(
          ColumnType.INTEGER,
          List.of("=", "!=", "<", "<=", ">", ">=", "isNull", "notNull"),
          ColumnType.FLOAT,
          List.of("=", "!=", "<", "<=", ">", ">=", "isNull", "notNull"),
          ColumnType.DATETIME,
          List.of("=", "!=", "<", "<=", ">", ">=", "isNull", "notNull"),
          ColumnType.BOOLEAN,
          List.of("=", "!=", "isNull", "notNull"),
          ColumnType.STRING,
          List.of("=", "!=", "<", "<=", ">", ">=", "contains", "startsWith", "isNull", "notNull"));

  /** Whether the cell {@code text} (empty for null) of a column of {@code type} passes. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  boolean matches(String text, ColumnType type) {
    boolean isNull = text == null || text.isEmpty();
    switch (op) {
      case "isNull":
        return isNull;
      case "notNull":
        return !isNull;
      default:
        break;
    }
    if (isNull) {
      return false;
    }
    if (op.equals("contains")) {
      return text.contains(value);
    }
    if (op.equals("startsWith")) {
      return text.startsWith(value);
    }
    Comparable cell;
    try {
      cell = type.value(text);
    } catch (RuntimeException notOfType) {
      return false;
    }
    int cmp = cell.compareTo(type.value(value));
    return switch (op) {
      case "=" -> cmp == 0;
      case "!=" -> cmp != 0;
      case "<" -> cmp < 0;
      case "<=" -> cmp <= 0;
      case ">" -> cmp > 0;
      case ">=" -> cmp >= 0;
      default -> throw new IllegalStateException("unknown operator " + op);
    };
  }
}
