package io.skyrelay.service.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.service.Json;
import io.skyrelay.transforms.replicate.ListLocation;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * The profiling job of a dataset, a Beam batch pipeline: the location is listed ({@link
 * ListLocation}, the listing replicate uses) and the listing combined into object count, bytes, a
 * size histogram, content types (by file name), the modified-time range and sample keys. For a CSV
 * dataset the rows are read too and combined into the schema (each column's inferred type), sample
 * rows and per-column statistics (nulls, distinct estimate, top values, min and max of numbers).
 * Each combined result is written as a JSON file into a work folder the caller reads afterwards.
 */
public final class ProfileJob {

  /** Size histogram bucket bounds (exclusive), powers of 16 from 1 KiB to 1 GiB. */
  static final long[] BUCKETS = {1L << 10, 1L << 14, 1L << 18, 1L << 22, 1L << 26, 1L << 30};

  static final int SAMPLE_KEYS = 10;
  static final int SAMPLE_ROWS = 5;
  static final int TOP_VALUES = 5;

  private ProfileJob() {}

  /** A finished profile: the JSON document shown by the API, and the columns of tabular data. */
  public record Profile(JsonNode document, List<Column> columns) {}

  /** Runs the profiling job of {@code dataset} and waits for it, using {@code work} for results. */
  public static Profile run(Dataset dataset, PipelineOptions options, Path work) {
    StoreLocation location =
        new StoreLocation(StoreUri.parse(dataset.uri()), StoreSettings.EMPTY, "local:service");
    Path objectsFile = work.resolve("objects.json");
    Path tableFile = work.resolve("table.json");
    try {
      Files.createDirectories(work);
      Files.deleteIfExists(objectsFile);
      Files.deleteIfExists(tableFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> header = dataset.tabular() ? ReadCsvRowsFn.header(location) : List.of();

    Pipeline p = Pipeline.create(options);
    PCollection<ObjectEntry> objects = p.apply("List", ListLocation.of(location));
    objects
        .apply("ObjectStats", Combine.globally(new ObjectStatsFn()))
        .apply("WriteObjectStats", ParDo.of(new WriteFileFn(objectsFile.toString())));
    if (!header.isEmpty()) {
      objects
          .apply("CsvObjects", Filter.by((ObjectEntry e) -> ReadCsvRowsFn.isCsv(e.key)))
          .apply("ReadRows", ParDo.of(new ReadCsvRowsFn(location, header)))
          .apply("ColumnStats", Combine.globally(new TableStatsFn(header)))
          .apply("WriteColumnStats", ParDo.of(new WriteFileFn(tableFile.toString())));
    }
    PipelineResult.State state = p.run().waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the profiling job ended " + state);
    }
    try {
      ObjectNode document = (ObjectNode) Json.read(Files.readString(objectsFile));
      List<Column> columns = new ArrayList<>();
      if (!header.isEmpty()) {
        JsonNode table = Json.read(Files.readString(tableFile));
        document.set("table", table);
        for (JsonNode c : table.get("columns")) {
          columns.add(
              new Column(c.get("name").asText(), ColumnType.valueOf(c.get("type").asText())));
        }
      }
      return new Profile(document, columns);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the profiling job's results", e);
    }
  }

  /** The content type a file name suggests. */
  static String contentType(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return "text/csv";
    }
    if (lower.endsWith(".json")) {
      return "application/json";
    }
    if (lower.endsWith(".parquet")) {
      return "application/vnd.apache.parquet";
    }
    if (lower.endsWith(".avro")) {
      return "application/avro";
    }
    String guess = URLConnection.getFileNameMap().getContentTypeFor(lower);
    return guess == null ? "application/octet-stream" : guess;
  }

  /** Counts and ranges of a listing, mergeable. */
  static final class ObjectStats implements Serializable {
    private static final long serialVersionUID = 1L;
    long objects;
    long bytes;
    final long[] histogram = new long[BUCKETS.length + 1];
    final TreeMap<String, Long> contentTypes = new TreeMap<>();
    long minModified = Long.MAX_VALUE;
    long maxModified = Long.MIN_VALUE;
    final TreeSet<String> sampleKeys = new TreeSet<>();

    void add(ObjectEntry e) {
      objects++;
      bytes += e.size;
      int b = 0;
      while (b < BUCKETS.length && e.size >= BUCKETS[b]) {
        b++;
      }
      histogram[b]++;
      contentTypes.merge(contentType(e.key), 1L, Long::sum);
      minModified = Math.min(minModified, e.lastModifiedMillis);
      maxModified = Math.max(maxModified, e.lastModifiedMillis);
      addSample(e.key);
    }

    void merge(ObjectStats o) {
      objects += o.objects;
      bytes += o.bytes;
      for (int i = 0; i < histogram.length; i++) {
        histogram[i] += o.histogram[i];
      }
      o.contentTypes.forEach((t, n) -> contentTypes.merge(t, n, Long::sum));
      minModified = Math.min(minModified, o.minModified);
      maxModified = Math.max(maxModified, o.maxModified);
      o.sampleKeys.forEach(this::addSample);
    }

    /** Keeps the first keys in key order, so the sample does not depend on how work was split. */
    private void addSample(String key) {
      sampleKeys.add(key);
      if (sampleKeys.size() > SAMPLE_KEYS) {
        sampleKeys.pollLast();
      }
    }

    String toJson() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("objects", objects);
      n.put("bytes", bytes);
      ArrayNode hist = n.putArray("sizeHistogram");
      for (int i = 0; i < histogram.length; i++) {
        ObjectNode bucket = hist.addObject();
        if (i < BUCKETS.length) {
          bucket.put("belowBytes", BUCKETS[i]);
        }
        bucket.put("objects", histogram[i]);
      }
      n.set("contentTypes", Json.MAPPER.valueToTree(contentTypes));
      if (objects > 0) {
        n.put("modifiedFrom", Instant.ofEpochMilli(minModified).toString());
        n.put("modifiedTo", Instant.ofEpochMilli(maxModified).toString());
      }
      n.set("sampleKeys", Json.MAPPER.valueToTree(sampleKeys));
      return Json.write(n);
    }
  }

  static final class ObjectStatsFn extends Combine.CombineFn<ObjectEntry, ObjectStats, String> {
    @Override
    public ObjectStats createAccumulator() {
      return new ObjectStats();
    }

    @Override
    public ObjectStats addInput(ObjectStats acc, ObjectEntry e) {
      acc.add(e);
      return acc;
    }

    @Override
    public ObjectStats mergeAccumulators(Iterable<ObjectStats> accs) {
      ObjectStats merged = new ObjectStats();
      accs.forEach(merged::merge);
      return merged;
    }

    @Override
    public String extractOutput(ObjectStats acc) {
      return acc.toJson();
    }
  }

  /** Per-column sketches, type candidates and numeric range, plus sample rows; mergeable. */
  static final class TableStats implements Serializable {
    private static final long serialVersionUID = 1L;
    static final ColumnType[] NARROW = {
      ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.BOOLEAN, ColumnType.DATETIME
    };
    long rows;
    final List<ValueSketch> sketches = new ArrayList<>();
    final List<boolean[]> possible = new ArrayList<>();
    final double[] min;
    final double[] max;
    final TreeMap<Long, List<String>> samples = new TreeMap<>();

    TableStats(int columns) {
      min = new double[columns];
      max = new double[columns];
      for (int i = 0; i < columns; i++) {
        sketches.add(new ValueSketch());
        possible.add(new boolean[] {true, true, true, true});
        min[i] = Double.POSITIVE_INFINITY;
        max[i] = Double.NEGATIVE_INFINITY;
      }
    }

    void add(List<String> row) {
      rows++;
      for (int i = 0; i < min.length; i++) {
        String v = row.get(i);
        sketches.get(i).add(v);
        if (v == null || v.isEmpty()) {
          continue;
        }
        boolean[] can = possible.get(i);
        for (int t = 0; t < NARROW.length; t++) {
          can[t] = can[t] && NARROW[t].accepts(v);
        }
        if (can[1]) {
          double d = Double.parseDouble(v.trim());
          min[i] = Math.min(min[i], d);
          max[i] = Math.max(max[i], d);
        }
      }
      samples.put(ValueSketch.hash(Csv.format(row)), new ArrayList<>(row));
      if (samples.size() > SAMPLE_ROWS) {
        samples.pollLastEntry();
      }
    }

    void merge(TableStats o) {
      rows += o.rows;
      for (int i = 0; i < min.length; i++) {
        sketches.get(i).merge(o.sketches.get(i));
        boolean[] can = possible.get(i);
        for (int t = 0; t < NARROW.length; t++) {
          can[t] = can[t] && o.possible.get(i)[t];
        }
        min[i] = Math.min(min[i], o.min[i]);
        max[i] = Math.max(max[i], o.max[i]);
      }
      samples.putAll(o.samples);
      while (samples.size() > SAMPLE_ROWS) {
        samples.pollLastEntry();
      }
    }

    ColumnType type(int i) {
      if (sketches.get(i).values == 0) {
        return ColumnType.STRING;
      }
      for (int t = 0; t < NARROW.length; t++) {
        if (possible.get(i)[t]) {
          return NARROW[t];
        }
      }
      return ColumnType.STRING;
    }

    String toJson(List<String> header) {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("rows", rows);
      ArrayNode columns = n.putArray("columns");
      for (int i = 0; i < header.size(); i++) {
        ValueSketch s = sketches.get(i);
        ColumnType type = type(i);
        ObjectNode c = columns.addObject();
        c.put("name", header.get(i));
        c.put("type", type.name());
        c.put("nulls", s.nulls);
        c.put("distinct", s.distinct());
        ArrayNode top = c.putArray("topValues");
        for (Map.Entry<String, Long> e : s.top(TOP_VALUES).entrySet()) {
          top.addObject().put("value", e.getKey()).put("count", e.getValue());
        }
        if ((type == ColumnType.INTEGER || type == ColumnType.FLOAT) && s.values > 0) {
          c.put("min", min[i]);
          c.put("max", max[i]);
        }
      }
      n.set("sampleRows", Json.MAPPER.valueToTree(samples.values()));
      return Json.write(n);
    }
  }

  static final class TableStatsFn extends Combine.CombineFn<List<String>, TableStats, String> {
    private final List<String> header;

    TableStatsFn(List<String> header) {
      this.header = List.copyOf(header);
    }

    @Override
    public TableStats createAccumulator() {
      return new TableStats(header.size());
    }

    @Override
    public TableStats addInput(TableStats acc, List<String> row) {
      acc.add(row);
      return acc;
    }

    @Override
    public TableStats mergeAccumulators(Iterable<TableStats> accs) {
      TableStats merged = new TableStats(header.size());
      accs.forEach(merged::merge);
      return merged;
    }

    @Override
    public String extractOutput(TableStats acc) {
      return acc.toJson(header);
    }
  }

  /** Writes its one input to a local file the driver reads when the job is done. */
  static final class WriteFileFn extends DoFn<String, Void> {
    private final String path;

    WriteFileFn(String path) {
      this.path = path;
    }

    @ProcessElement
    public void process(@Element String json) throws IOException {
      Files.writeString(Path.of(path), json);
    }
  }
}
