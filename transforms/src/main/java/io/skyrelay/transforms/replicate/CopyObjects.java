package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreRetries;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.transforms.values.ChunkTask;
import io.skyrelay.transforms.values.CopyTask;
import io.skyrelay.transforms.values.ObjectResult;
import io.skyrelay.transforms.values.ObjectResult.Action;
import io.skyrelay.transforms.values.PartOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies objects to their destinations. Objects up to the chunk size, and objects the destination
 * can copy server-side in one request, are copied whole, many at a time on each worker (so a bucket
 * of tiny objects is not one bundle per object). Larger objects become multi-part uploads: each
 * chunk is its own element, spread over all workers, written as one part (server-side from a byte
 * range where the stores allow it), and the upload is completed, or aborted, when all its chunks
 * are back.
 */
public final class CopyObjects
    extends PTransform<PCollection<CopyTask>, PCollection<ObjectResult>> {

  private static final Logger LOG = LoggerFactory.getLogger(CopyObjects.class);
  private static final int ATTEMPTS = 3;

  /** The report of an object whose source changed between listing and copying. */
  static final String SOURCE_CHANGED =
      "source changed during the copy (nothing was written); run the job again to copy the new"
          + " version";

  /** The method of an object copied on the direct path because its relay failed. */
  public static final String RELAY_FALLBACK = "relay-fallback";

  /** The route of a part that went direct because its relay failed. */
  static final String FALLBACK = "fallback";

  private final ReplicationSpec spec;

  public CopyObjects(ReplicationSpec spec) {
    this.spec = spec;
  }

  @Override
  public PCollection<ObjectResult> expand(PCollection<CopyTask> tasks) {
    PCollectionTuple bySize =
        tasks.apply(
            "SmallOrLarge",
            ParDo.of(new WholeOrPartsFn(spec)).withOutputTags(WHOLE, TupleTagList.of(PARTS)));
    PCollection<ObjectResult> small =
        bySize
            .get(WHOLE)
            .setCoder(AvroCoder.of(CopyTask.class))
            .apply("CopyWhole", ParDo.of(new CopyWholeFn(spec)));
    PCollection<KV<String, PartOutcome>> parts =
        bySize
            .get(PARTS)
            .setCoder(AvroCoder.of(CopyTask.class))
            .apply("BeginUploads", ParDo.of(new BeginUploadsFn(spec)))
            .apply("SpreadChunks", Reshuffle.viaRandomKey())
            .apply("CopyChunks", ParDo.of(new CopyChunkFn(spec)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(PartOutcome.class)));
    PCollection<ObjectResult> large =
        parts
            .apply("GatherParts", GroupByKey.create())
            .apply("CompleteUploads", ParDo.of(new CompleteUploadFn(spec)));
    return PCollectionList.of(small).and(large).apply("AllCopies", Flatten.pCollections());
  }

  private static final TupleTag<CopyTask> WHOLE = new TupleTag<>() {};
  private static final TupleTag<CopyTask> PARTS = new TupleTag<>() {};

  /**
   * Sends an object to be copied whole when it fits in one chunk, or when the destination copies it
   * server-side in one request (S3 CopyObject up to 5 GiB): splitting such a copy into part copies
   * only adds requests and, on stores that assemble parts by rewriting them, a second pass over the
   * bytes. Everything else becomes a multi-part upload.
   */
  static final class WholeOrPartsFn extends DoFn<CopyTask, CopyTask> {
    private final ReplicationSpec spec;
    private transient OpenStores stores;

    WholeOrPartsFn(ReplicationSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      stores = new OpenStores(spec);
    }

    @ProcessElement
    public void process(@Element CopyTask t, MultiOutputReceiver out) {
      boolean whole =
          t.source.size <= spec.chunkSize()
              || (spec.routing().route(t.destination, t.source.key, 0).isDirect()
                  && stores.copiers.get(t.destination).copiesServerSide(t.source.size));
      out.get(whole ? WHOLE : PARTS).output(t);
    }

    @Teardown
    public void teardown() {
      if (stores != null) {
        stores.close();
      }
    }
  }

  /**
   * Whether attempt {@code attempt}, past the {@link #ATTEMPTS} any failure gets, is made: a store
   * that throttles or fails transiently gets as many attempts as its calls get from the {@link
   * Retrier}.
   */
  static boolean retryAgain(Exception last, int attempt) {
    return Retrier.retryable(last) && attempt <= Retrier.DEFAULT.maxAttempts();
  }

  /**
   * Before the attempt after failed attempt {@code failed}: counts the retry and, when the store
   * throttled or failed transiently, waits the retrier's jittered backoff, so that a store asking
   * for a slower rate gets it. Returns false when interrupted.
   */
  static boolean backOff(Exception last, int failed) {
    StoreRetries.retried(last instanceof ThrottledException);
    if (!Retrier.retryable(last)) {
      return true;
    }
    try {
      Retrier.DEFAULT.pause(Retrier.DEFAULT.backoff(failed));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Copies objects whole, {@code threads} at a time. */
  static final class CopyWholeFn extends ConcurrentFn<CopyTask, ObjectResult> {
    private final ReplicationSpec spec;
    private transient OpenStores stores;

    CopyWholeFn(ReplicationSpec spec) {
      super(spec.threads());
      this.spec = spec;
    }

    @Override
    void open() {
      stores = new OpenStores(spec, "CopyWhole", this);
    }

    @Override
    void close() {
      if (stores != null) {
        stores.close();
      }
    }

    @Override
    List<ObjectResult> work(CopyTask t) {
      Routing.Route route = spec.routing().route(t.destination, t.source.key, 0);
      if (route.isDirect()) {
        return List.of(copyDirect(t, null));
      }
      RelayCopier relay = stores.relayCopiers.get(t.destination);
      String failed = relay.failedRelayOf(route);
      if (failed != null) {
        return List.of(copyDirect(t, "relay " + failed + " failed earlier on this worker"));
      }
      try {
        ObjectCopier.Outcome o = relay.copyWhole(t.source, route);
        ReplicationProgress.bytes(o.bytes());
        ReplicationProgress.objectDone();
        return List.of(
            new ObjectResult(
                t.destination, t.source.key, Action.COPIED, o.bytes(), o.method(), null));
      } catch (PreconditionFailedException changed) {
        ReplicationProgress.failed();
        return List.of(
            new ObjectResult(t.destination, t.source.key, Action.FAILED, 0, null, SOURCE_CHANGED));
      } catch (StoreException | IllegalArgumentException e) {
        LOG.debug("relay route {} failed for {}: {}", route.label(), t.source.key, e.getMessage());
        return List.of(copyDirect(t, describe(e)));
      }
    }

    /**
     * Copies on the direct path; {@code relayFailure} says why when this is a fallback from a relay
     * route (the result's method is then {@code relay-fallback}).
     */
    private ObjectResult copyDirect(CopyTask t, String relayFailure) {
      ObjectCopier copier = stores.copiers.get(t.destination);
      Exception last = null;
      for (int attempt = 1; attempt <= ATTEMPTS || retryAgain(last, attempt); attempt++) {
        if (last != null && !backOff(last, attempt - 1)) {
          break;
        }
        try {
          ObjectCopier.Outcome o = copier.copyWhole(t.source);
          ReplicationProgress.bytes(o.bytes());
          ReplicationProgress.objectDone();
          if (relayFailure != null) {
            return new ObjectResult(
                t.destination,
                t.source.key,
                Action.COPIED,
                o.bytes(),
                RELAY_FALLBACK,
                relayFailure + "; copied on the direct path");
          }
          return new ObjectResult(
              t.destination, t.source.key, Action.COPIED, o.bytes(), o.method(), null);
        } catch (PreconditionFailedException changed) {
          last = changed;
          break; // the listed version is gone: the next run copies the new one
        } catch (StoreException | IllegalArgumentException e) {
          last = e;
          LOG.debug("attempt {} to copy {} failed: {}", attempt, t.source.key, e.getMessage());
        }
      }
      ReplicationProgress.failed();
      String why = last instanceof PreconditionFailedException ? SOURCE_CHANGED : describe(last);
      return new ObjectResult(t.destination, t.source.key, Action.FAILED, 0, null, why);
    }
  }

  /** Starts one multi-part upload per large object and cuts it into chunks. */
  static final class BeginUploadsFn extends DoFn<CopyTask, ChunkTask> {
    private final ReplicationSpec spec;
    private transient OpenStores stores;

    BeginUploadsFn(ReplicationSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      stores = new OpenStores(spec);
    }

    @ProcessElement
    public void process(@Element CopyTask t, OutputReceiver<ChunkTask> out) {
      MultipartUploads mp =
          stores
              .destinations
              .get(t.destination)
              .multipart()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          spec.destination(t.destination)
                              + " cannot assemble objects from parts; raise --chunk-size above"
                              + " the largest object"));
      long size = t.source.size;
      long part = ObjectCopier.partSize(mp, size, spec.chunkSize());
      int count = (int) ((size + part - 1) / part);
      UploadHandle h;
      try {
        h = stores.copiers.get(t.destination).begin(t.source);
      } catch (StoreException e) {
        // The chunk stage reports this object as failed: emit one chunk that carries no upload.
        String why = e instanceof PreconditionFailedException ? SOURCE_CHANGED : describe(e);
        out.output(new ChunkTask(t, "", null, Map.of("error", why), 0, 1, 0, 0));
        return;
      }
      for (int i = 0; i < count; i++) {
        long offset = i * part;
        out.output(
            new ChunkTask(
                t,
                h.uploadId(),
                h.options().contentType(),
                h.options().metadata(),
                i + 1,
                count,
                offset,
                Math.min(part, size - offset)));
      }
    }

    @Teardown
    public void teardown() {
      if (stores != null) {
        stores.close();
      }
    }
  }

  static UploadHandle handleOf(ReplicationSpec spec, ChunkTask c) {
    return new UploadHandle(
        spec.destination(c.task.destination).keyOf(c.task.source.key),
        c.uploadId,
        PutOptions.of(c.contentType, c.metadata));
  }

  /** Writes chunks as parts, {@code threads} at a time. */
  static final class CopyChunkFn extends ConcurrentFn<ChunkTask, KV<String, PartOutcome>> {
    private final ReplicationSpec spec;
    private transient OpenStores stores;

    CopyChunkFn(ReplicationSpec spec) {
      super(spec.threads());
      this.spec = spec;
    }

    @Override
    void open() {
      stores = new OpenStores(spec, "CopyChunk", this);
    }

    @Override
    void close() {
      if (stores != null) {
        stores.close();
      }
    }

    @Override
    List<KV<String, PartOutcome>> work(ChunkTask c) {
      if (c.uploadId.isEmpty()) {
        return List.of(
            KV.of(
                c.task.destination + "/failed/" + c.task.source.key,
                new PartOutcome(c, null, c.metadata.get("error"), false)));
      }
      UploadHandle h = handleOf(spec, c);
      Routing.Route route =
          spec.routing().route(c.task.destination, c.task.source.key, c.partNumber);
      String routeLabel = null;
      if (!route.isDirect()) {
        RelayCopier relay = stores.relayCopiers.get(c.task.destination);
        routeLabel = FALLBACK;
        if (relay.failedRelayOf(route) == null) {
          try {
            CompletedPart p =
                relay.copyPart(h, c.task.source, c.partNumber, c.offset, c.length, route);
            ReplicationProgress.bytes(c.length);
            return List.of(
                KV.of(c.uploadKey(), new PartOutcome(c, p.etag(), null, false, route.label())));
          } catch (PreconditionFailedException changed) {
            return List.of(
                KV.of(c.uploadKey(), new PartOutcome(c, null, describe(changed), true, null)));
          } catch (StoreException | IllegalArgumentException e) {
            LOG.debug("relay route {} failed for a part: {}", route.label(), e.getMessage());
          }
        }
      }
      ObjectCopier copier = stores.copiers.get(c.task.destination);
      Exception last = null;
      for (int attempt = 1; attempt <= ATTEMPTS || retryAgain(last, attempt); attempt++) {
        if (last != null && !backOff(last, attempt - 1)) {
          break;
        }
        try {
          CompletedPart p = copier.copyPart(h, c.task.source, c.partNumber, c.offset, c.length);
          ReplicationProgress.bytes(c.length);
          return List.of(
              KV.of(c.uploadKey(), new PartOutcome(c, p.etag(), null, false, routeLabel)));
        } catch (PreconditionFailedException changed) {
          return List.of(KV.of(c.uploadKey(), new PartOutcome(c, null, describe(changed), true)));
        } catch (StoreException e) {
          last = e;
        }
      }
      return List.of(KV.of(c.uploadKey(), new PartOutcome(c, null, describe(last), false)));
    }
  }

  /** Completes an upload whose chunks are all written, or aborts it and reports why. */
  static final class CompleteUploadFn
      extends DoFn<KV<String, Iterable<PartOutcome>>, ObjectResult> {
    private final ReplicationSpec spec;
    private transient OpenStores stores;

    CompleteUploadFn(ReplicationSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      stores = new OpenStores(spec);
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<PartOutcome>> upload, OutputReceiver<ObjectResult> out) {
      List<PartOutcome> outcomes = new ArrayList<>();
      upload.getValue().forEach(outcomes::add);
      ChunkTask any = outcomes.get(0).chunk;
      CopyTask t = any.task;
      String error = null;
      boolean changed = false;
      for (PartOutcome o : outcomes) {
        if (o.error != null) {
          error = o.error;
          changed |= o.sourceChanged;
        }
      }
      if (error == null && outcomes.size() != any.partCount) {
        error = "only " + outcomes.size() + " of " + any.partCount + " parts were written";
      }
      ObjectCopier copier = stores.copiers.get(t.destination);
      if (error == null) {
        List<CompletedPart> parts = new ArrayList<>();
        for (PartOutcome o : outcomes) {
          parts.add(new CompletedPart(o.chunk.partNumber, o.etag, o.chunk.length));
        }
        try {
          copier.complete(handleOf(spec, any), parts, t.source.size);
          ReplicationProgress.objectDone();
          String method = copier.copiesPartsServerSide() ? "server-side-parts" : "multipart";
          boolean relayed = false;
          boolean fellBack = false;
          for (PartOutcome o : outcomes) {
            if (FALLBACK.equals(o.route)) {
              fellBack = true;
              Metrics.counter(Replicate.METRICS, "relay-fallback/" + t.destination).inc();
            } else if (o.route != null) {
              relayed = true;
              Metrics.counter(Replicate.METRICS, "path-bytes/" + t.destination + "/" + o.route)
                  .inc(o.chunk.length);
            }
          }
          if (fellBack) {
            method = "multipart-" + RELAY_FALLBACK;
          } else if (relayed) {
            method = "multipart-relayed";
          }
          out.output(
              new ObjectResult(
                  t.destination, t.source.key, Action.COPIED, t.source.size, method, null));
          return;
        } catch (StoreException e) {
          error = describe(e);
        }
      }
      if (!any.uploadId.isEmpty()) {
        try {
          copier.abort(handleOf(spec, any));
        } catch (StoreException e) {
          LOG.warn("could not abort the upload of {}: {}", t.source.key, e.getMessage());
        }
      }
      ReplicationProgress.failed();
      if (changed) {
        error = SOURCE_CHANGED;
      }
      out.output(new ObjectResult(t.destination, t.source.key, Action.FAILED, 0, null, error));
    }

    @Teardown
    public void teardown() {
      if (stores != null) {
        stores.close();
      }
    }
  }
}
