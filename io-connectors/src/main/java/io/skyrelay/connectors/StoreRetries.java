package io.skyrelay.connectors;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, for this process, the store calls retried and the answers in which a store throttled a
 * call (S3's 503 SlowDown, Azure's 503 ServerBusy, 429s), whoever made them. Connectors count
 * through their {@link Retrier}; a job adds its own whole-object retries with {@link #retried}.
 * Jobs {@link #drain} the counts into their metrics, so the figures a dashboard shows during faults
 * are the job's own.
 */
public final class StoreRetries {

  private static final LongAdder RETRIES = new LongAdder();
  private static final LongAdder THROTTLED = new LongAdder();

  private StoreRetries() {}

  /** Counts one retried call; {@code throttled} when the store had throttled it. */
  public static void retried(boolean throttled) {
    RETRIES.increment();
    if (throttled) {
      THROTTLED.increment();
    }
  }

  /** Counts one throttled answer that was not retried (the last attempt). */
  static void throttledGaveUp() {
    THROTTLED.increment();
  }

  /** The counts since the last drain. */
  public record Counts(long retries, long throttled) {
    public boolean isEmpty() {
      return retries == 0 && throttled == 0;
    }
  }

  /** Returns the counts since the last drain and starts counting from zero. */
  public static Counts drain() {
    return new Counts(RETRIES.sumThenReset(), THROTTLED.sumThenReset());
  }
}
