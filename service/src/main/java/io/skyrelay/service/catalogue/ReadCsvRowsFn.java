package io.skyrelay.service.catalogue;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Reads the rows of CSV objects of a dataset: each object starts with the dataset's header line (an
 * object with another header fails the job: its columns would be misread); empty lines are skipped;
 * a row with another number of fields than the header is counted as {@code malformedRows} and left
 * out.
 */
public final class ReadCsvRowsFn extends DoFn<ObjectEntry, List<String>> {

  /** The counter of objects whose rows were all read. */
  public static final String OBJECTS_READ = "objectsRead";

  /** The counter of rows left out for having the wrong number of fields. */
  public static final String MALFORMED = "malformedRows";

  private final StoreLocation location;
  private final List<String> header;
  private final Counter malformed = Metrics.counter("skyrelay", MALFORMED);
  private final Counter rows = Metrics.counter("skyrelay", "rowsRead");
  private final Counter objects = Metrics.counter("skyrelay", OBJECTS_READ);
  private transient ObjectStore store;

  public ReadCsvRowsFn(StoreLocation location, List<String> header) {
    this.location = location;
    this.header = List.copyOf(header);
  }

  /** Whether {@code key} names a CSV object. */
  public static boolean isCsv(String key) {
    return key.toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
  }

  @Setup
  public void setup() {
    store = location.open();
  }

  @ProcessElement
  public void process(@Element ObjectEntry entry, OutputReceiver<List<String>> out) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                store.read(location.keyOf(entry.key), null, entry.etag), StandardCharsets.UTF_8))) {
      String first = reader.readLine();
      if (first == null) {
        return;
      }
      List<String> found = Csv.parse(first);
      if (!found.equals(header)) {
        throw new IllegalStateException(
            entry.key + " has the header " + found + ", not the dataset's " + header);
      }
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          continue;
        }
        List<String> fields = Csv.parse(line);
        if (fields.size() != header.size()) {
          malformed.inc();
          continue;
        }
        rows.inc();
        out.output(fields);
      }
      objects.inc();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + entry.key, e);
    }
  }

  @Teardown
  public void teardown() {
    if (store != null) {
      store.close();
    }
  }

  /** The header of the first CSV object under {@code location}, or empty when there is none. */
  public static List<String> header(StoreLocation location) {
    try (ObjectStore store = location.open()) {
      for (var info : store.listAll(location.uri().prefix())) {
        if (isCsv(info.key())) {
          try (BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(
                      store.read(info.key(), null, null), StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            if (first != null && !first.isEmpty()) {
              return Csv.parse(first);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("reading " + info.key(), e);
          }
        }
      }
    }
    return List.of();
  }
}
