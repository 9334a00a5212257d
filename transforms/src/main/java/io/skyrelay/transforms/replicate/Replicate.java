package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.StoreRetries;
import io.skyrelay.transforms.values.KeyFilter;
import io.skyrelay.transforms.values.ObjectEntry;
import io.skyrelay.transforms.values.ObjectResult;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The whole batch replication: list (or read a manifest), diff against every destination, copy,
 * delete, and count. The output holds one {@link ObjectResult} per object and destination; the
 * counts are Beam metrics in namespace {@value #METRICS} named {@code <action>/<destination index>}
 * ({@code copied/0}, {@code copied-bytes/0}, {@code skipped/0}, {@code deleted/0}, {@code
 * failed/0}, {@code delete-refused/0}); a job routed through relays also counts {@code
 * path-bytes/0/<relays>} (bytes that travelled through those relays, joined by {@code +}) and
 * {@code relay-fallback/0} (objects or parts that went direct because their relay failed).
 */
public final class Replicate extends PTransform<PBegin, PCollection<ObjectResult>> {

  public static final String METRICS = "skyrelay";

  /** How the method of an object copied through relays starts; the relays follow. */
  public static final String RELAYED = "relayed:";

  private final ReplicationSpec spec;
  private final String manifestIn;
  private final String manifestOut;
  private final boolean planOnly;

  private Replicate(ReplicationSpec spec, String manifestIn, String manifestOut, boolean planOnly) {
    this.spec = spec;
    this.manifestIn = manifestIn;
    this.manifestOut = manifestOut;
    this.planOnly = planOnly;
  }

  public static Replicate of(ReplicationSpec spec) {
    return new Replicate(spec, null, null, false);
  }

  /** Copies exactly the objects of this Avro manifest instead of listing the source. */
  public Replicate withManifest(String path) {
    if (spec.delete()) {
      throw new IllegalArgumentException(
          "deleting with a manifest would delete every object the manifest leaves out;"
              + " use --delete without --manifest");
    }
    return new Replicate(spec, path, manifestOut, planOnly);
  }

  /** Also writes the source listing as an Avro manifest to this file. */
  public Replicate withManifestOutput(String path) {
    return new Replicate(spec, manifestIn, path, planOnly);
  }

  /** Lists and diffs only: copy and delete tasks are counted (dry run), nothing is changed. */
  public Replicate planOnly() {
    return new Replicate(spec, manifestIn, manifestOut, true);
  }

  private static final TupleTag<ObjectEntry> AS_LISTED = new TupleTag<>("as-listed") {};
  private static final TupleTag<ObjectResult> NOT_AS_LISTED = new TupleTag<>("not-as-listed") {};

  @Override
  public PCollection<ObjectResult> expand(PBegin begin) {
    PCollection<ObjectResult> manifestMismatches = null;
    PCollectionTuple diff;
    if (manifestIn == null) {
      // listed and compared shard by shard, without a join of whole listings
      ShardDiff listAndDiff = ShardDiff.of(spec);
      diff =
          begin.apply(
              "ListAndDiff", manifestOut == null ? listAndDiff : listAndDiff.withSourceListing());
      if (manifestOut != null) {
        writeManifest(diff.get(ShardDiff.SOURCE));
      }
    } else {
      PCollectionTuple checked =
          begin
              .apply("ReadManifest", AvroIO.read(ObjectEntry.class).from(manifestIn))
              .apply(
                  "CheckManifest",
                  ParDo.of(new CheckManifestFn(spec))
                      .withOutputTags(AS_LISTED, TupleTagList.of(NOT_AS_LISTED)));
      manifestMismatches = checked.get(NOT_AS_LISTED);
      PCollection<ObjectEntry> source = inJob(checked.get(AS_LISTED), "SourceKeys");
      if (manifestOut != null) {
        writeManifest(source);
      }
      PCollectionList<ObjectEntry> listings = PCollectionList.of(source);
      for (int d = 0; d < spec.destinations().size(); d++) {
        listings =
            listings.and(
                inJob(
                    begin.apply("ListDestination" + d, ListLocation.of(spec.destination(d))),
                    "DestinationKeys" + d));
      }
      diff = listings.apply("Diff", new DiffListings(spec));
    }
    PCollectionList<ObjectResult> results = PCollectionList.of(diff.get(DiffListings.SKIPPED));
    if (manifestMismatches != null) {
      results = results.and(manifestMismatches);
    }
    if (planOnly) {
      results =
          results
              .and(diff.get(DiffListings.COPY).apply("PlanCopies", ParDo.of(new PlanCopyFn())))
              .and(
                  diff.get(DiffListings.DELETE)
                      .apply("PlanDeletes", new DeleteObjects(spec).planOnly()));
    } else {
      results = results.and(diff.get(DiffListings.COPY).apply("Copy", new CopyObjects(spec)));
      if (spec.delete()) {
        results =
            results.and(diff.get(DiffListings.DELETE).apply("Delete", new DeleteObjects(spec)));
      }
    }
    return results
        .apply("AllResults", Flatten.pCollections())
        .apply("Count", ParDo.of(new CountFn()));
  }

  private void writeManifest(PCollection<ObjectEntry> source) {
    source
        .setCoder(org.apache.beam.sdk.extensions.avro.coders.AvroCoder.of(ObjectEntry.class))
        .apply("WriteManifest", AvroIO.write(ObjectEntry.class).to(manifestOut).withoutSharding());
  }

  /** {@code listing} without the keys the job leaves alone (itself when it leaves none). */
  private PCollection<ObjectEntry> inJob(PCollection<ObjectEntry> listing, String name) {
    return spec.keys().acceptsAll()
        ? listing
        : listing.apply(name, Filter.by(new InJob(spec.keys(), name.equals("SourceKeys"))));
  }

  /**
   * Whether a listed entry's key is one the job copies and deletes; the ages are the source's (the
   * manifest's), so only its entries are judged by them.
   */
  private record InJob(KeyFilter keys, boolean source)
      implements SerializableFunction<ObjectEntry, Boolean> {
    @Override
    public Boolean apply(ObjectEntry e) {
      return source
          ? keys.accepts(e.key, e.size, e.lastModifiedMillis)
          : keys.accepts(e.key, e.size);
    }
  }

  /**
   * Compares each manifest entry with the source object (one HEAD): an entry whose size, or ETag
   * when it has one, is not the source's fails at every destination instead of being copied as
   * something it is not; a matching entry takes the source's ETag and MD5 where it lacks them, so
   * its reads are conditional like a listed object's.
   */
  static final class CheckManifestFn extends DoFn<ObjectEntry, ObjectEntry> {
    private final ReplicationSpec spec;
    private transient io.skyrelay.connectors.ObjectStore source;

    CheckManifestFn(ReplicationSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      source = spec.source().open();
    }

    @ProcessElement
    public void process(@Element ObjectEntry e, MultiOutputReceiver out) {
      String problem;
      io.skyrelay.connectors.ObjectInfo info = null;
      try {
        info = source.head(spec.source().uri().prefix() + e.key);
        problem =
            info.size() != e.size
                ? "source changed since the manifest was written (or the manifest is wrong):"
                    + " the manifest says "
                    + e.size
                    + " bytes, the source object has "
                    + info.size()
                : e.etag != null && !e.etag.equals(info.etag())
                    ? "source changed since the manifest was written: the manifest says ETag "
                        + e.etag
                        + ", the source object has "
                        + info.etag()
                    : null;
      } catch (io.skyrelay.connectors.ObjectNotFoundException notThere) {
        problem = "the manifest lists it, the source does not have it";
      }
      if (problem == null) {
        ObjectEntry checked =
            new ObjectEntry(
                e.key,
                e.size,
                e.etag != null ? e.etag : info.etag(),
                e.md5 != null ? e.md5 : info.md5(),
                e.lastModifiedMillis != 0 || info.lastModified() == null
                    ? e.lastModifiedMillis
                    : info.lastModified().toEpochMilli());
        out.get(AS_LISTED).output(checked);
        return;
      }
      for (int d = 0; d < spec.destinations().size(); d++) {
        out.get(NOT_AS_LISTED)
            .output(
                new ObjectResult(
                    d,
                    e.key,
                    ObjectResult.Action.FAILED,
                    0,
                    null,
                    problem
                        + ": not copied; write the manifest again (--manifest-out) or run"
                        + " without --manifest"));
      }
    }

    @Teardown
    public void teardown() {
      if (source != null) {
        source.close();
      }
    }
  }

  /** A planned copy, reported without copying (dry run). */
  static final class PlanCopyFn extends DoFn<io.skyrelay.transforms.values.CopyTask, ObjectResult> {
    @ProcessElement
    public void process(
        @Element io.skyrelay.transforms.values.CopyTask t, OutputReceiver<ObjectResult> out) {
      out.output(
          new ObjectResult(
              t.destination,
              t.source.key,
              ObjectResult.Action.COPIED,
              t.source.size,
              "planned",
              null));
    }
  }

  /** The counter of store calls and copies retried in this job (see {@link StoreRetries}). */
  public static final String RETRIES = "retries";

  /** The counter of answers in which a store throttled a call. */
  public static final String THROTTLED = "throttled";

  /**
   * Adds the retries and throttled answers this process counted since the last call to the job's
   * metrics. A result comes after the calls that made it, so the job's last result counts them all.
   */
  static void countRetries() {
    StoreRetries.Counts c = StoreRetries.drain();
    if (c.retries() > 0) {
      Metrics.counter(METRICS, RETRIES).inc(c.retries());
    }
    if (c.throttled() > 0) {
      Metrics.counter(METRICS, THROTTLED).inc(c.throttled());
    }
  }

  /** Counts results into Beam metrics, passing them through. */
  static final class CountFn extends DoFn<ObjectResult, ObjectResult> {
    @ProcessElement
    public void process(@Element ObjectResult r, OutputReceiver<ObjectResult> out) {
      countRetries();
      String d = "/" + r.destination;
      switch (r.action) {
        case COPIED -> {
          Metrics.counter(METRICS, "copied" + d).inc();
          Metrics.counter(METRICS, "copied-bytes" + d).inc(r.bytes);
          if (r.method != null && r.method.startsWith(RELAYED)) {
            String route = r.method.substring(RELAYED.length());
            Metrics.counter(METRICS, "path-bytes" + d + "/" + route).inc(r.bytes);
          } else if (CopyObjects.RELAY_FALLBACK.equals(r.method)) {
            Metrics.counter(METRICS, "relay-fallback" + d).inc();
          }
        }
        case SKIPPED -> Metrics.counter(METRICS, "skipped" + d).inc();
        case DELETED -> Metrics.counter(METRICS, "deleted" + d).inc();
        case DELETE_REFUSED -> Metrics.counter(METRICS, "delete-refused" + d).inc();
        case FAILED -> Metrics.counter(METRICS, "failed" + d).inc();
      }
      out.output(r);
    }
  }
}
