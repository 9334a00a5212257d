package io.skyrelay.service.exports;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.service.catalogue.Column;
import io.skyrelay.service.catalogue.Csv;
import io.skyrelay.service.catalogue.Dataset;
import io.skyrelay.service.catalogue.ReadCsvRowsFn;
import io.skyrelay.transforms.replicate.ListLocation;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The Beam batch job of an export request. For an object dataset: list, keep the objects the key
 * filters and the sample select, copy each to the export location under the request's id (the
 * copier replicate uses, verified). For a CSV dataset: list the CSV objects the key filters select,
 * read their rows, keep those passing every row filter and the sample, project the asked columns
 * and write one CSV object with a header line, {@code <id>/export.csv}.
 */
public final class ExportJob {

  /** The name of a tabular export's CSV object under the request's folder. */
  public static final String CSV_NAME = "export.csv";

  static final String OBJECTS_EXPORTED = "objectsExported";
  static final String BYTES_EXPORTED = "bytesExported";
  static final String ROWS_WRITTEN = "rowsWritten";

  private ExportJob() {}

  /** The location of {@code dataset}. */
  public static StoreLocation location(Dataset dataset) {
    return new StoreLocation(StoreUri.parse(dataset.uri()), StoreSettings.EMPTY, "local:service");
  }

  /** Where the export of request {@code id} goes under the export root. */
  public static StoreLocation target(StoreLocation exportRoot, String id) {
    return new StoreLocation(
        exportRoot.uri().withPrefix(exportRoot.uri().prefix() + id + "/"),
        exportRoot.settings(),
        exportRoot.region());
  }

  /** The key of the result in the export root's container: a CSV object or a prefix. */
  public static String resultKey(StoreLocation exportRoot, String id, Dataset dataset) {
    String folder = target(exportRoot, id).uri().prefix();
    return dataset.tabular() ? folder + CSV_NAME : folder;
  }

  /** Builds the job's pipeline (not yet run). */
  public static Pipeline build(
      ExportSpec spec, Dataset dataset, StoreLocation exportRoot, String id, PipelineOptions o) {
    StoreLocation source = location(dataset);
    StoreLocation target = target(exportRoot, id);
    Pipeline p = Pipeline.create(o);
    PCollection<ObjectEntry> listed = p.apply("List", ListLocation.of(source));
    if (!dataset.tabular()) {
      listed
          .apply(
              "SelectObjects",
              Filter.by((ObjectEntry e) -> spec.selectsKey(e.key) && spec.sampled(e.key)))
          .apply("Copy", ParDo.of(new CopyFn(source, target)));
      return p;
    }
    List<String> header = dataset.columns().stream().map(Column::name).toList();
    List<Integer> projection = new ArrayList<>();
    for (String c : spec.columns()) {
      projection.add(header.indexOf(c));
    }
    List<Integer> filterColumns = new ArrayList<>();
    for (RowFilter f : spec.filters()) {
      filterColumns.add(header.indexOf(f.column()));
    }
    List<Column> columns = List.copyOf(dataset.columns());
    listed
        .apply(
            "SelectObjects",
            Filter.by((ObjectEntry e) -> ReadCsvRowsFn.isCsv(e.key) && spec.selectsKey(e.key)))
        .apply("ReadRows", ParDo.of(new ReadCsvRowsFn(source, header)))
        .apply(
            "FilterRows",
            Filter.by(
                (List<String> row) -> {
                  for (int i = 0; i < spec.filters().size(); i++) {
                    int c = filterColumns.get(i);
                    if (!spec.filters().get(i).matches(row.get(c), columns.get(c).type())) {
                      return false;
                    }
                  }
                  return spec.sampled(Csv.format(row));
                }))
        .apply(
            "Project",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
                .via(
                    (List<String> row) -> {
                      List<String> out = new ArrayList<>(projection.size());
                      projection.forEach(i -> out.add(row.get(i)));
                      return KV.of(0, Csv.format(out));
                    }))
        .apply("OneFile", GroupByKey.create())
        .apply("WriteCsv", ParDo.of(new WriteCsvFn(target, spec.columns())));
    return p;
  }

  /**
   * Writes the header-only CSV of an export whose filters kept no row (the job then writes none).
   */
  public static void writeEmptyCsv(StoreLocation exportRoot, String id, List<String> columns) {
    StoreLocation target = target(exportRoot, id);
    try (ObjectStore store = target.open()) {
      byte[] header = (Csv.format(columns) + "\n").getBytes(StandardCharsets.UTF_8);
      store.put(
          target.keyOf(CSV_NAME),
          new java.io.ByteArrayInputStream(header),
          header.length,
          PutOptions.of("text/csv", Map.of()));
    }
  }

  /** Whether the export's CSV object exists. */
  public static boolean csvWritten(StoreLocation exportRoot, String id) {
    StoreLocation target = target(exportRoot, id);
    try (ObjectStore store = target.open()) {
      return !store.listAllToList(target.keyOf(CSV_NAME)).isEmpty();
    }
  }

  /** Runs the job on {@code options}' runner without waiting; the caller watches the result. */
  public static PipelineResult start(
      ExportSpec spec, Dataset dataset, StoreLocation exportRoot, String id, PipelineOptions o) {
    return build(spec, dataset, exportRoot, id, o).run();
  }

  /** Copies one object to the export folder. */
  static final class CopyFn extends DoFn<ObjectEntry, Void> {
    private final StoreLocation source;
    private final StoreLocation target;
    private final Counter objects = Metrics.counter("skyrelay", OBJECTS_EXPORTED);
    private final Counter bytes = Metrics.counter("skyrelay", BYTES_EXPORTED);
    private transient ObjectStore sourceStore;
    private transient ObjectStore targetStore;
    private transient ObjectCopier copier;

    CopyFn(StoreLocation source, StoreLocation target) {
      this.source = source;
      this.target = target;
    }

    @Setup
    public void setup() {
      sourceStore = source.open();
      targetStore = target.open();
      copier = new ObjectCopier(sourceStore, source, targetStore, target, false).withoutMetadata();
    }

    @ProcessElement
    public void process(@Element ObjectEntry entry) {
      bytes.inc(copier.copyWhole(entry).bytes());
      objects.inc();
    }

    @Teardown
    public void teardown() {
      if (sourceStore != null) {
        sourceStore.close();
      }
      if (targetStore != null) {
        targetStore.close();
      }
    }
  }

  /** Writes all rows, after the header, as one CSV object: spooled to a local file, then put. */
  static final class WriteCsvFn extends DoFn<KV<Integer, Iterable<String>>, Void> {
    private final StoreLocation target;
    private final List<String> columns;
    private final Counter rows = Metrics.counter("skyrelay", ROWS_WRITTEN);
    private final Counter bytes = Metrics.counter("skyrelay", BYTES_EXPORTED);

    WriteCsvFn(StoreLocation target, List<String> columns) {
      this.target = target;
      this.columns = List.copyOf(columns);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> all) throws IOException {
      Path spool = Files.createTempFile("skyrelay-export-", ".csv");
      try {
        long n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(spool, StandardCharsets.UTF_8)) {
          w.write(Csv.format(columns));
          w.write('\n');
          for (String line : all.getValue()) {
            w.write(line);
            w.write('\n');
            n++;
          }
        }
        long size = Files.size(spool);
        try (ObjectStore store = target.open();
            InputStream in = Files.newInputStream(spool)) {
          store.put(target.keyOf(CSV_NAME), in, size, PutOptions.of("text/csv", Map.of()));
        }
        rows.inc(n);
        bytes.inc(size);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } finally {
        Files.deleteIfExists(spool);
      }
    }
  }
}
