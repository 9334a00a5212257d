package io.skyrelay.transforms.sync;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The sync job's metrics, in namespace {@value #NAMESPACE}: {@code events-in}, {@code applied},
 * {@code skipped.<reason>}, {@code dead-lettered} (messages that could not be parsed and events
 * given up on), {@code failed} (events given up on), {@code apply-retries} (attempts to apply an
 * event again after a transient failure), {@code unordered} (events without an ordering token,
 * applied as they come), {@code archived}, {@code archive-expired}, and the distribution {@code
 * lag-ms} (event time to applied).
 */
public final class SyncMetrics {

  public static final String NAMESPACE = "skyrelay-sync";

  public static final Counter EVENTS_IN = Metrics.counter(NAMESPACE, "events-in");
  public static final Counter APPLIED = Metrics.counter(NAMESPACE, "applied");
  public static final Counter DEAD_LETTERED = Metrics.counter(NAMESPACE, "dead-lettered");
  public static final Counter FAILED = Metrics.counter(NAMESPACE, "failed");
  public static final Counter APPLY_RETRIES = Metrics.counter(NAMESPACE, "apply-retries");
  public static final Distribution LAG_MS = Metrics.distribution(NAMESPACE, "lag-ms");

  private SyncMetrics() {}

  /** Counts an event that was deliberately not applied, by reason. */
  public static void skipped(String reason) {
    Metrics.counter(NAMESPACE, "skipped." + reason).inc();
  }
}
