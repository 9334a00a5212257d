package io.skyrelay.transforms.sync;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
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
 * <p>Copies wait on the network, so up to {@code concurrency} events of a bundle are applied at
 * once; events of one object are applied one after the other, in the order they arrived. Outputs
 * and failures surface when the bundle finishes (before Flink takes a checkpoint), so a bundle that
 * did not fail has applied all its events.
 */
public final class ApplyChangesFn extends DoFn<KV<String, ChangeEvent>, KV<String, ChangeEvent>> {

  private static final Logger LOG = LoggerFactory.getLogger(ApplyChangesFn.class);

  private final List<SyncMapping> mappings;
  private final int concurrency;
  private transient ExecutorService pool;
  private transient List<Pending> pending;
  private transient Map<String, CompletableFuture<Boolean>> lastOfKey;
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
      CompletableFuture<Boolean> applied) {}

  public ApplyChangesFn(List<SyncMapping> mappings) {
    this(mappings, 32);
  }

  public ApplyChangesFn(List<SyncMapping> mappings, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.mappings = List.copyOf(mappings);
    this.concurrency = concurrency;
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
    CompletableFuture<Boolean> before = lastOfKey.get(element.getKey());
    CompletableFuture<Boolean> applied =
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
        if (p.applied().get()) {
          context.output(p.element(), p.timestamp(), p.window());
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

  private boolean applyWith(MetricsContainer metrics, KV<String, ChangeEvent> element) {
    // Beam's metrics belong to the thread that runs the DoFn: lend its container to this one.
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      return apply(element);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
    boolean applied;
    try {
      applied =
          switch (e.kind) {
            case CREATED, METADATA_UPDATED -> copy(m, e, rel);
            case DELETED -> delete(m, mapping, e, rel);
          };
    } catch (StoreException ex) {
      LOG.warn("applying {} failed: {}", e, ex.getMessage());
      SyncMetrics.FAILED.inc();
      throw ex;
    }
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
