package io.skyrelay.transforms.sync;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.Redactor;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.DeadLetter;
import io.skyrelay.transforms.values.NotificationMessage;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.reflect.ReflectData;
import org.apache.avro.reflect.ReflectDatumWriter;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies ordered change events to every replica of their mapping, idempotently:
 *
 * <ul>
 *   <li>a create, overwrite or metadata change copies the object from the source with If-Match on
 *       the event's ETag; if the source has changed or vanished since, the event is skipped
 *       (counted) because a later event brings the newer state;
 *   <li>a delete removes the replicas' copies when the mapping propagates deletes, unless the
 *       source object exists again (the delete is then stale) or, on GCS, the delete only retired a
 *       generation that a newer one replaced.
 * </ul>
 *
 * Applied events are passed on (for archiving).
 *
 * <p>An event that cannot be applied does not stop the others: a store error that a retry cannot
 * fix (access denied, an invalid key, any error not marked transient) is given up at once, a
 * transient or throttled one after {@code maxAttempts} attempts with exponential backoff (each
 * attempt already includes the connector's own retries). The event then goes to the {@link
 * #DEAD_LETTERS} output, as a {@link DeadLetter} whose message carries the event as Avro JSON
 * (header {@value #PAYLOAD_HEADER}), with the reason and the number of attempts, counted as {@code
 * dead-lettered} and {@code failed}. Only an interrupted apply (the job is stopping) fails the
 * bundle, which the runner then retries from the last checkpoint.
 *
 * <p>Copies wait on the network, so up to {@code concurrency} events of a bundle are applied at
 * once; events of one object are applied one after the other, in the order they arrived. Outputs
 * and failures surface when the bundle finishes (before Flink takes a checkpoint), so a bundle that
 * did not fail has applied all its events.
 */
public final class ApplyChangesFn extends DoFn<KV<String, ChangeEvent>, KV<String, ChangeEvent>> {

  private static final Logger LOG = LoggerFactory.getLogger(ApplyChangesFn.class);

  /** The events applied at every replica. */
  public static final TupleTag<KV<String, ChangeEvent>> APPLIED = new TupleTag<>("applied") {};

  /** The events given up on, with the reason and the number of attempts. */
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>("apply-dead-letters") {};

  /** The header of an apply dead letter's message that says what its value holds. */
  public static final String PAYLOAD_HEADER = "skyrelay-payload";

  /** The value of {@link #PAYLOAD_HEADER}: the value is a {@link ChangeEvent} as Avro JSON. */
  public static final String PAYLOAD_CHANGE_EVENT = "change-event+avro-json";

  /** How many times a transient failure is tried, unless set. */
  public static final int DEFAULT_MAX_ATTEMPTS = 4;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

  private final List<SyncMapping> mappings;
  private final int concurrency;
  private final int maxAttempts;
  private transient ExecutorService pool;
  private transient List<Pending> pending;
  private transient Map<String, CompletableFuture<Outcome>> lastOfKey;
  private transient List<ObjectStore> sources;
  private transient List<List<ObjectCopier>> copiers;
  private transient List<List<ObjectStore>> replicaStores;

  /** Objects larger than this are copied in parts. */
  static final long CHUNK = 64L << 20;

  /** An event being applied, with what its output needs. */
  private record Pending(
      KV<String, ChangeEvent> element,
      Instant timestamp,
      BoundedWindow window,
      CompletableFuture<Outcome> applied) {}

  /** What became of one event: applied (passed on), skipped, or given up on. */
  private record Outcome(boolean applied, DeadLetter deadLetter) {
    static final Outcome APPLIED = new Outcome(true, null);
    static final Outcome SKIPPED = new Outcome(false, null);
  }

  public ApplyChangesFn(List<SyncMapping> mappings) {
    this(mappings, 32);
  }

  public ApplyChangesFn(List<SyncMapping> mappings, int concurrency) {
    this(mappings, concurrency, DEFAULT_MAX_ATTEMPTS);
  }

  public ApplyChangesFn(List<SyncMapping> mappings, int concurrency, int maxAttempts) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    this.mappings = List.copyOf(mappings);
    this.concurrency = concurrency;
    this.maxAttempts = maxAttempts;
  }

  @Setup
  public void setup() {
    pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "apply-changes");
              t.setDaemon(true);
              return t;
            });
    sources = new ArrayList<>();
    copiers = new ArrayList<>();
    replicaStores = new ArrayList<>();
    for (SyncMapping m : mappings) {
      ObjectStore src = m.source().open();
      sources.add(src);
      List<ObjectCopier> cs = new ArrayList<>();
      List<ObjectStore> stores = new ArrayList<>();
      for (var replica : m.replicas()) {
        ObjectStore store = replica.open();
        stores.add(store);
        ObjectCopier copier = new ObjectCopier(src, m.source(), store, replica, true);
        cs.add(m.copyMetadata() ? copier : copier.withoutMetadata());
      }
      copiers.add(cs);
      replicaStores.add(stores);
    }
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
    lastOfKey = new HashMap<>();
  }

  @ProcessElement
  public void process(
      @Element KV<String, ChangeEvent> element,
      @Timestamp Instant timestamp,
      BoundedWindow window) {
    MetricsContainer metrics = MetricsEnvironment.getCurrentContainer();
    CompletableFuture<Outcome> before = lastOfKey.get(element.getKey());
    CompletableFuture<Outcome> applied =
        before == null
            ? CompletableFuture.supplyAsync(() -> applyWith(metrics, element), pool)
            // after the previous event of this object, whether or not it succeeded
            : before.handleAsync((ignored, failure) -> applyWith(metrics, element), pool);
    lastOfKey.put(element.getKey(), applied);
    pending.add(new Pending(element, timestamp, window, applied));
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) throws Exception {
    List<Pending> done = pending;
    pending = new ArrayList<>();
    lastOfKey = new HashMap<>();
    Exception failure = null;
    for (Pending p : done) {
      try {
        Outcome outcome = p.applied().get();
        if (outcome.applied()) {
          context.output(APPLIED, p.element(), p.timestamp(), p.window());
        } else if (outcome.deadLetter() != null) {
          context.output(DEAD_LETTERS, outcome.deadLetter(), p.timestamp(), p.window());
        }
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof Exception ex ? ex : e;
        }
      }
    }
    if (failure != null) {
      // The runner retries the bundle; applying is idempotent.
      throw failure;
    }
  }

  private Outcome applyWith(MetricsContainer metrics, KV<String, ChangeEvent> element) {
    // Beam's metrics belong to the thread that runs the DoFn: lend its container to this one.
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      return applyWithRetries(element);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Outcome applyWithRetries(KV<String, ChangeEvent> element) {
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure;
      try {
        return apply(element) ? Outcome.APPLIED : Outcome.SKIPPED;
      } catch (RuntimeException e) {
        failure = e;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw failure; // the job is stopping: not the event's fault
      }
      boolean retryable =
          failure instanceof TransientStoreException
              || failure instanceof ThrottledException
              || failure instanceof UncheckedIOException;
      if (!retryable || attempt >= maxAttempts) {
        return deadLetter(element, failure, attempt);
      }
      SyncMetrics.APPLY_RETRIES.inc();
      long backoff =
          Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 20));
      LOG.info(
          "applying {} failed (attempt {} of {}), retrying in {} ms: {}",
          element.getValue(),
          attempt,
          maxAttempts,
          backoff,
          failure.getMessage());
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
        throw failure;
      }
    }
  }

  private Outcome deadLetter(KV<String, ChangeEvent> element, RuntimeException failure, int n) {
    ChangeEvent e = element.getValue();
    SyncMapping mapping = mappings.get(OrderPerKeyFn.mappingOf(element.getKey()));
    String reason =
        "applying "
            + e
            + " failed after "
            + n
            + (n == 1 ? " attempt: " : " attempts: ")
            + (failure instanceof StoreException
                ? failure.getMessage()
                // not a store's message, so not yet redacted
                : Redactor.redact(
                    failure.getClass().getSimpleName() + ": " + failure.getMessage()));
    LOG.warn("{}; sent to the dead-letter topic", reason);
    SyncMetrics.FAILED.inc();
    SyncMetrics.DEAD_LETTERED.inc();
    NotificationMessage message =
        new NotificationMessage(
            mapping.topic(),
            -1,
            -1,
            e.key.getBytes(StandardCharsets.UTF_8),
            asJson(e),
            List.of(
                new NotificationMessage.Header(
                    PAYLOAD_HEADER, PAYLOAD_CHANGE_EVENT.getBytes(StandardCharsets.UTF_8))));
    return new Outcome(false, new DeadLetter(message, reason, n));
  }

  private static final Schema CHANGE_EVENT_SCHEMA = ReflectData.get().getSchema(ChangeEvent.class);

  /** The event as Avro JSON, which {@code JsonDecoder} with the same schema reads back. */
  static byte[] asJson(ChangeEvent e) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(CHANGE_EVENT_SCHEMA, out);
      new ReflectDatumWriter<ChangeEvent>(CHANGE_EVENT_SCHEMA).write(e, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }

  private boolean apply(KV<String, ChangeEvent> element) {
    int m = OrderPerKeyFn.mappingOf(element.getKey());
    SyncMapping mapping = mappings.get(m);
    ChangeEvent e = element.getValue();
    String rel = mapping.relativeKey(e.key);
    if (rel == null || rel.isEmpty()) {
      SyncMetrics.skipped("outside-prefix");
      return false;
    }
    boolean applied =
        switch (e.kind) {
          case CREATED, METADATA_UPDATED -> copy(m, e, rel);
          case DELETED -> delete(m, mapping, e, rel);
        };
    if (applied) {
      long lag = Math.max(0, System.currentTimeMillis() - e.eventTimeMillis);
      SyncMetrics.APPLIED.inc();
      SyncMetrics.LAG_MS.update(lag);
      LagRecorder.record(lag);
    }
    return applied;
  }

  private boolean copy(int m, ChangeEvent e, String rel) {
    ObjectStore source = sources.get(m);
    String etag = e.etag;
    long size = e.size;
    try {
      if (etag == null || size < 0) {
        ObjectInfo now = source.head(e.key);
        etag = etag == null ? now.etag() : etag;
        size = size < 0 ? now.size() : size;
      }
      ObjectEntry entry = new ObjectEntry(rel, size, etag, null, e.eventTimeMillis);
      for (ObjectCopier copier : copiers.get(m)) {
        if (size > CHUNK && !copier.copiesServerSide(size)) {
          copier.copyInParts(entry, CHUNK);
        } else {
          copier.copyWhole(entry);
        }
      }
      return true;
    } catch (PreconditionFailedException changed) {
      SyncMetrics.skipped("source-changed");
      return false;
    } catch (ObjectNotFoundException gone) {
      SyncMetrics.skipped("source-gone");
      return false;
    }
  }

  private boolean delete(int m, SyncMapping mapping, ChangeEvent e, String rel) {
    if (!mapping.propagateDelete()) {
      SyncMetrics.skipped("delete-not-propagated");
      return false;
    }
    if (e.overwrittenByGeneration != null) {
      SyncMetrics.skipped("generation-overwritten");
      return false;
    }
    try {
      sources.get(m).head(e.key);
      SyncMetrics.skipped("source-exists");
      return false;
    } catch (ObjectNotFoundException expected) {
      // the source object is gone: delete the copies
    }
    for (int r = 0; r < mapping.replicas().size(); r++) {
      replicaStores.get(m).get(r).delete(mapping.replicas().get(r).keyOf(rel));
    }
    return true;
  }

  @Teardown
  public void teardown() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (sources != null) {
      sources.forEach(ObjectStore::close);
      replicaStores.forEach(list -> list.forEach(ObjectStore::close));
    }
  }
}
