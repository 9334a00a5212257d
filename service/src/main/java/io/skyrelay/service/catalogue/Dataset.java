package io.skyrelay.service.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One catalogue entry: a store location ({@code uri}: store URI and prefix) with its name,
 * description, owners and tags, and what profiling found ({@code profile}, with {@code columns} for
 * tabular datasets).
 *
 * @param format {@code objects} (any objects, exported by copying) or {@code csv} (CSV objects with
 *     a header line, exported row by row)
 * @param profileStatus pending, running, done or failed
 */
public record Dataset(
    String name,
    String description,
    List<String> owners,
    List<String> tags,
    String uri,
    String format,
    String profileStatus,
    String profileMessage,
    JsonNode profile,
    List<Column> columns) {

  /** The formats a dataset can have. */
  public static final List<String> FORMATS = List.of("objects", "csv");

  /** Whether rows of this dataset can be filtered and projected. */
  public boolean tabular() {
    return format.equals("csv");
  }

  /** The column named {@code name}, or null. */
  public Column column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }
}
