package io.skyrelay.transforms.sync;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.transforms.replicate.ObjectCopier;
import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.ObjectEntry;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Archive mode: an object is copied to the mapping's archive store once it has been unchanged for
 * the policy's {@code after}; unless {@code keepLocal}, the source copy is then deleted; the
 * archived copy expires {@code expireAfter} later. Timers are keyed state, so pending archive and
 * expiry survive restarts. A newer event for the object restarts its clock; an applied delete
 * cancels it (with deletes not propagated, the clock runs on, and when it fires the source object
 * is found gone and the archive is skipped, counted as {@code skipped.archive-source-changed}).
 *
 * <p>Without {@code keepLocal} a newer object is never lost: the source copy is deleted only if it
 * is still the version that was archived, by a delete the store itself makes conditional on the
 * ETag ({@link ObjectStore#conditionalDelete}: S3 and Azure If-Match, GCS ifGenerationMatch). If
 * the object was overwritten in between, the delete is refused and the newer version stays (counted
 * as {@code skipped.archive-overwritten}; its own event archives it later). A source store without
 * conditional deletes (local disk, Swift) keeps its copy, counted as {@code
 * skipped.archive-kept-no-conditional-delete}: a check followed by a delete could race with a
 * write.
 */
public final class ArchiveFn extends DoFn<KV<String, ChangeEvent>, Void> {

  private static final Counter ARCHIVED = Metrics.counter(SyncMetrics.NAMESPACE, "archived");
  private static final Counter EXPIRED = Metrics.counter(SyncMetrics.NAMESPACE, "archive-expired");

  private final List<SyncMapping> mappings;

  @StateId("current")
  private final StateSpec<ValueState<ChangeEvent>> currentSpec =
      StateSpecs.value(AvroCoder.of(ChangeEvent.class));

  @StateId("archived")
  private final StateSpec<ValueState<ChangeEvent>> archivedSpec =
      StateSpecs.value(AvroCoder.of(ChangeEvent.class));

  @TimerId("archive")
  private final TimerSpec archiveSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  @TimerId("expire")
  private final TimerSpec expireSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  public ArchiveFn(List<SyncMapping> mappings) {
    this.mappings = List.copyOf(mappings);
  }

  @ProcessElement
  public void process(
      @Element KV<String, ChangeEvent> element,
      @StateId("current") ValueState<ChangeEvent> current,
      @TimerId("archive") Timer archive) {
    SyncMapping m = mappings.get(OrderPerKeyFn.mappingOf(element.getKey()));
    if (m.archive() == null) {
      return;
    }
    ChangeEvent e = element.getValue();
    if (e.kind == ChangeEvent.Kind.DELETED) {
      current.clear();
      archive.clear();
      return;
    }
    current.write(e);
    archive.set(new Instant(e.eventTimeMillis + m.archive().after().toMillis()));
  }

  @OnTimer("archive")
  public void onArchive(
      @Key String key,
      @StateId("current") ValueState<ChangeEvent> current,
      @StateId("archived") ValueState<ChangeEvent> archived,
      @TimerId("expire") Timer expire) {
    ChangeEvent e = current.read();
    if (e == null) {
      return;
    }
    SyncMapping m = mappings.get(OrderPerKeyFn.mappingOf(key));
    SyncMapping.ArchivePolicy policy = m.archive();
    try (ObjectStore source = m.source().open();
        ObjectStore target = policy.store().open()) {
      if (!archive(m, e, source, target)) {
        return;
      }
      archived.write(e);
      current.clear();
      if (policy.expireAfter() != null) {
        expire.offset(org.joda.time.Duration.millis(policy.expireAfter().toMillis())).setRelative();
      }
    }
  }

  /**
   * Copies the object of {@code e} from {@code source} to the archive {@code target}, then, unless
   * the policy keeps the local copy, deletes it from {@code source} if it is still the version
   * copied.
   *
   * @return whether the object was archived
   */
  static boolean archive(SyncMapping m, ChangeEvent e, ObjectStore source, ObjectStore target) {
    SyncMapping.ArchivePolicy policy = m.archive();
    String rel = m.relativeKey(e.key);
    ObjectInfo now;
    try {
      now = source.head(e.key);
      ObjectEntry entry = new ObjectEntry(rel, now.size(), now.etag(), null, e.eventTimeMillis);
      new ObjectCopier(source, m.source(), target, policy.store(), true).copyWhole(entry);
    } catch (ObjectNotFoundException | PreconditionFailedException changed) {
      SyncMetrics.skipped("archive-source-changed"); // a newer event owns the object now
      return false;
    }
    ARCHIVED.inc();
    if (!policy.keepLocal()) {
      var conditional = source.conditionalDelete();
      if (conditional.isEmpty()) {
        SyncMetrics.skipped("archive-kept-no-conditional-delete");
      } else {
        try {
          conditional.get().deleteIfMatch(e.key, now.etag());
        } catch (PreconditionFailedException overwritten) {
          SyncMetrics.skipped("archive-overwritten"); // the newer version stays
        }
      }
    }
    return true;
  }

  @OnTimer("expire")
  public void onExpire(@Key String key, @StateId("archived") ValueState<ChangeEvent> archived) {
    ChangeEvent e = archived.read();
    if (e == null) {
      return;
    }
    SyncMapping m = mappings.get(OrderPerKeyFn.mappingOf(key));
    try (ObjectStore target = m.archive().store().open()) {
      target.delete(m.archive().store().keyOf(m.relativeKey(e.key)));
      EXPIRED.inc();
    }
    archived.clear();
  }
}
