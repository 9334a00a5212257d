package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.transforms.values.CheckResult;
import io.skyrelay.transforms.values.CheckResult.Status;
import io.skyrelay.transforms.values.CopyTask;
import io.skyrelay.transforms.values.DeleteTask;
import io.skyrelay.transforms.values.ObjectResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Compares the source with every destination without copying: the same listing and diff as {@link
 * Replicate} (shard by shard, with the job's filters and diff mode), each key coming out as one
 * {@link CheckResult}: {@code EQUAL} where the replication would skip it, {@code MISSING} where it
 * would copy a key the destination lacks, {@code DIFFERENT} where it would copy over one, {@code
 * EXTRA} where {@code --delete} would delete. With {@link #downloading()}, keys at both ends are
 * read at both and compared byte for byte instead. Counts are Beam metrics in namespace {@value
 * Replicate#METRICS} named {@code check-<status>/<destination index>}, e.g. {@code
 * check-missing/0}.
 */
public final class CheckLocations extends PTransform<PBegin, PCollection<CheckResult>> {

  private final ReplicationSpec spec;
  private final boolean download;

  private CheckLocations(ReplicationSpec spec, boolean download) {
    // deletes are what the destination has in excess
    this.spec =
        new ReplicationSpec(
                spec.source(),
                spec.destinations(),
                spec.chunkSize(),
                spec.diffMode(),
                true,
                Long.MAX_VALUE,
                spec.threads(),
                false)
            .withKeys(spec.keys())
            .withViews(spec.views());
    this.download = download;
  }

  public static CheckLocations of(ReplicationSpec spec) {
    return new CheckLocations(spec, false);
  }

  /** Compares the bytes of the keys at both ends, reading them at both. */
  public CheckLocations downloading() {
    return new CheckLocations(spec, true);
  }

  /** The name of the counter of {@code status} at destination {@code d}. */
  public static String counterName(Status status, int d) {
    return "check-" + status.name().toLowerCase(java.util.Locale.ROOT) + "/" + d;
  }

  @Override
  public PCollection<CheckResult> expand(PBegin begin) {
    PCollectionTuple diff = begin.apply("ListAndDiff", ShardDiff.of(spec));
    PCollection<CheckResult> copies =
        diff.get(DiffListings.COPY)
            .apply(
                "Copies",
                MapElements.into(TypeDescriptor.of(CheckResult.class))
                    .via(
                        (CopyTask t) ->
                            new CheckResult(
                                t.destination,
                                t.source.key,
                                "missing".equals(t.reason) ? Status.MISSING : Status.DIFFERENT,
                                "missing".equals(t.reason)
                                    ? null
                                    : spec.diffMode().name().toLowerCase(java.util.Locale.ROOT)
                                        + " differs")));
    PCollection<CheckResult> extras =
        diff.get(DiffListings.DELETE)
            .apply(
                "Extras",
                MapElements.into(TypeDescriptor.of(CheckResult.class))
                    .via(
                        (DeleteTask t) ->
                            new CheckResult(t.destination, t.target.key, Status.EXTRA, null)));
    PCollection<CheckResult> equal =
        diff.get(DiffListings.SKIPPED)
            .apply(
                "Equal",
                MapElements.into(TypeDescriptor.of(CheckResult.class))
                    .via(
                        (ObjectResult r) ->
                            new CheckResult(r.destination, r.key, Status.EQUAL, null)));
    PCollectionList<CheckResult> all = PCollectionList.of(copies).and(extras).and(equal);
    PCollection<CheckResult> results = all.apply("AllResults", Flatten.pCollections());
    if (download) {
      results =
          results
              .apply("Spread", Reshuffle.viaRandomKey())
              .apply("CompareBytes", ParDo.of(new CompareBytesFn(spec)));
    }
    return results.apply("Count", ParDo.of(new CountFn()));
  }

  /** Reads keys present at both ends and decides by their bytes; passes the others through. */
  static final class CompareBytesFn extends DoFn<CheckResult, CheckResult> {
    private final ReplicationSpec spec;
    private transient ObjectStore source;
    private transient List<ObjectStore> destinations;

    CompareBytesFn(ReplicationSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      source = spec.source().open();
      destinations = new ArrayList<>();
      for (StoreLocation d : spec.destinations()) {
        destinations.add(d.open());
      }
    }

    @ProcessElement
    public void process(@Element CheckResult r, OutputReceiver<CheckResult> out) {
      if (r.status != Status.EQUAL && r.status != Status.DIFFERENT) {
        out.output(r);
        return;
      }
      String srcKey = spec.source().uri().prefix() + r.key;
      String dstKey = spec.destination(r.destination).uri().prefix() + r.key;
      try (InputStream a = source.read(srcKey, null, null);
          InputStream b = destinations.get(r.destination).read(dstKey, null, null)) {
        String difference = firstDifference(a, b);
        out.output(
            new CheckResult(
                r.destination,
                r.key,
                difference == null ? Status.EQUAL : Status.DIFFERENT,
                difference));
      } catch (IOException | RuntimeException e) {
        out.output(new CheckResult(r.destination, r.key, Status.ERROR, String.valueOf(e)));
      }
    }

    /** Where two streams first differ, or null when they hold the same bytes. */
    static String firstDifference(InputStream a, InputStream b) throws IOException {
      byte[] x = new byte[64 * 1024];
      byte[] y = new byte[64 * 1024];
      long at = 0;
      while (true) {
        int n = a.readNBytes(x, 0, x.length);
        int m = b.readNBytes(y, 0, n == 0 ? 1 : n);
        if (n == 0 && m == 0) {
          return null;
        }
        if (n != m) {
          return "sizes differ (one ends at byte " + (at + Math.min(n, m)) + ")";
        }
        if (!Arrays.equals(x, 0, n, y, 0, m)) {
          return "bytes differ from byte " + (at + Arrays.mismatch(x, 0, n, y, 0, m));
        }
        at += n;
      }
    }

    @Teardown
    public void teardown() {
      if (source != null) {
        source.close();
      }
      if (destinations != null) {
        destinations.forEach(ObjectStore::close);
      }
    }
  }

  /** Counts results into Beam metrics, passing them through. */
  static final class CountFn extends DoFn<CheckResult, CheckResult> {
    @ProcessElement
    public void process(@Element CheckResult r, OutputReceiver<CheckResult> out) {
      Metrics.counter(Replicate.METRICS, counterName(r.status, r.destination)).inc();
      out.output(r);
    }
  }
}
