package io.skyrelay.transforms.replicate;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live progress of the replication running in this JVM (the embedded runners), for the command
 * line's progress bar. Jobs on a remote cluster report through Beam metrics instead.
 */
public final class ReplicationProgress {

  private static final AtomicLong PLANNED_OBJECTS = new AtomicLong();
  private static final AtomicLong PLANNED_BYTES = new AtomicLong();
  private static final AtomicLong DONE_OBJECTS = new AtomicLong();
  private static final AtomicLong DONE_BYTES = new AtomicLong();
  private static final AtomicLong FAILED = new AtomicLong();
  private static final AtomicLong SKIPPED = new AtomicLong();
  private static final AtomicLong SHARDS = new AtomicLong();
  private static final AtomicLong SHARDS_LISTED = new AtomicLong();
  private static final AtomicLong FIRST_PLANNED_AT = new AtomicLong();
  private static final AtomicLong FIRST_DONE_AT = new AtomicLong();

  private ReplicationProgress() {}

  /** A consistent-enough view of the counters. */
  public record Snapshot(
      long plannedObjects,
      long plannedBytes,
      long doneObjects,
      long doneBytes,
      long failed,
      long skipped,
      long shards,
      long shardsListed) {

    /** Whether some shards are still being listed: the planned totals can still grow. */
    public boolean listing() {
      return shardsListed < shards;
    }
  }

  public static void reset() {
    PLANNED_OBJECTS.set(0);
    PLANNED_BYTES.set(0);
    DONE_OBJECTS.set(0);
    DONE_BYTES.set(0);
    FAILED.set(0);
    SKIPPED.set(0);
    SHARDS.set(0);
    SHARDS_LISTED.set(0);
    FIRST_PLANNED_AT.set(0);
    FIRST_DONE_AT.set(0);
  }

  static void shardsToList(long n) {
    SHARDS.set(n);
  }

  static void shardListed() {
    SHARDS_LISTED.incrementAndGet();
  }

  static void planned(long bytes) {
    if (PLANNED_OBJECTS.getAndIncrement() == 0) {
      FIRST_PLANNED_AT.compareAndSet(0, System.currentTimeMillis());
    }
    PLANNED_BYTES.addAndGet(bytes);
  }

  static void skipped(long bytes) {
    SKIPPED.incrementAndGet();
  }

  static void bytes(long bytes) {
    DONE_BYTES.addAndGet(bytes);
  }

  static void objectDone() {
    if (DONE_OBJECTS.getAndIncrement() == 0) {
      FIRST_DONE_AT.compareAndSet(0, System.currentTimeMillis());
    }
  }

  static void failed() {
    FAILED.incrementAndGet();
  }

  /**
   * When the diff first found an object to copy, and when the first object was copied (epoch
   * milliseconds, zero if not yet): the start-up of a run ends between the two.
   */
  public static long[] firstCopyTimes() {
    return new long[] {FIRST_PLANNED_AT.get(), FIRST_DONE_AT.get()};
  }

  public static Snapshot snapshot() {
    return new Snapshot(
        PLANNED_OBJECTS.get(),
        PLANNED_BYTES.get(),
        DONE_OBJECTS.get(),
        DONE_BYTES.get(),
        FAILED.get(),
        SKIPPED.get(),
        SHARDS.get(),
        SHARDS_LISTED.get());
  }
}
