package io.skyrelay.pipelines.common;

import io.skyrelay.transforms.replicate.ReplicationProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Prints a long job's progress while it runs. On a terminal it redraws one line; otherwise (logs,
 * CI, a pipe) it prints a line at a fixed interval and once more at the end. What the line says
 * comes from its supplier; {@link #replication} is the replication job's (objects, bytes, rate,
 * ETA): a bar on a terminal, a plain {@code stats:} line otherwise.
 */
public final class ProgressBar implements AutoCloseable {

  private static final int WIDTH = 24;

  private final PrintStream out;
  private final Supplier<String> line;
  private final long quietNanos;
  private final boolean terminal;
  private final long intervalNanos;
  private final boolean lastLine;
  private final long started = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean printed;

  /**
   * Starts printing {@code line} to {@code out}; nothing is printed during the first {@code
   * quietMillis} (so short jobs print no bar at all).
   */
  public ProgressBar(PrintStream out, long quietMillis, Supplier<String> line) {
    this(out, quietMillis, System.console() != null, Duration.ofSeconds(5), false, line);
  }

  /**
   * Starts printing {@code line} to {@code out}: redrawn every 250 ms on a {@code terminal}, else a
   * line every {@code interval}, and (with {@code lastLine}) one at the end however short the job.
   */
  ProgressBar(
      PrintStream out,
      long quietMillis,
      boolean terminal,
      Duration interval,
      boolean lastLine,
      Supplier<String> line) {
    this.lastLine = lastLine;
    this.out = out;
    this.line = line;
    this.quietNanos = quietMillis * 1_000_000L;
    this.terminal = terminal;
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::loop, "progress");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * The replication job's progress: objects, bytes, rate and ETA from {@link ReplicationProgress}.
   */
  public static ProgressBar replication(PrintStream out) {
    return replication(out, Duration.ofSeconds(5));
  }

  /**
   * The replication job's progress: a bar on a terminal, else a {@code stats:} line every {@code
   * stats}; {@code null} (nothing printed) when {@code stats} is zero.
   */
  public static ProgressBar replication(PrintStream out, Duration stats) {
    if (stats.isZero()) {
      return null;
    }
    long started = System.nanoTime();
    boolean terminal = System.console() != null;
    return new ProgressBar(
        out,
        0,
        terminal,
        stats,
        true,
        terminal ? () -> replicationLine(started) : () -> statsLine(started));
  }

  private static String statsLine(long started) {
    return statsLine(
        ReplicationProgress.snapshot(), Math.max(0.001, (System.nanoTime() - started) / 1e9));
  }

  /** The one-line stats for {@code s}, {@code seconds} into the job, for logs and pipes. */
  static String statsLine(ReplicationProgress.Snapshot s, double seconds) {
    double rate = s.doneBytes() / seconds;
    long remaining = Math.max(0, s.plannedBytes() - s.doneBytes());
    String eta =
        rate > 0 && s.plannedBytes() > 0 && !s.listing() ? formatDuration(remaining / rate) : "--";
    return String.format(
        Locale.ROOT,
        "stats: %s elapsed, %,d/%,d objects, %s/%s, %s/s, ETA %s, failed %,d%s",
        formatDuration(seconds),
        s.doneObjects(),
        s.plannedObjects(),
        bytes(s.doneBytes()),
        bytes(s.plannedBytes()),
        bytes((long) rate),
        eta,
        s.failed(),
        s.listing() ? ", listing " + s.shardsListed() + "/" + s.shards() + " shards" : "");
  }

  private void loop() {
    long lastPrint = 0;
    while (running) {
      try {
        Thread.sleep(terminal ? 250 : Math.max(1, Math.min(500, intervalNanos / 1_000_000)));
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (now - started < quietNanos) {
        continue;
      }
      if (terminal) {
        out.print("\r" + line.get() + "   ");
        out.flush();
        printed = true;
      } else if (now - Math.max(lastPrint, started) >= intervalNanos) {
        out.println(line.get());
        lastPrint = now;
        printed = true;
      }
    }
  }

  private static String replicationLine(long started) {
    return replicationLine(
        ReplicationProgress.snapshot(), Math.max(0.001, (System.nanoTime() - started) / 1e9));
  }

  /** The progress line for {@code s}, {@code seconds} into the job. */
  static String replicationLine(ReplicationProgress.Snapshot s, double seconds) {
    double rate = s.doneBytes() / seconds;
    long remaining = Math.max(0, s.plannedBytes() - s.doneBytes());
    // while shards are still being listed the plan grows: no ETA yet, and say so
    String eta =
        rate > 0 && s.plannedBytes() > 0 && !s.listing() ? formatDuration(remaining / rate) : "--";
    double frac =
        s.plannedBytes() == 0 ? 0 : Math.min(1.0, (double) s.doneBytes() / s.plannedBytes());
    return String.format(
        Locale.ROOT,
        "%s %,d/%,d objects  %s/%s  %s/s  ETA %s%s",
        bar(frac),
        s.doneObjects(),
        s.plannedObjects(),
        bytes(s.doneBytes()),
        bytes(s.plannedBytes()),
        bytes((long) rate),
        eta,
        (s.listing() ? "  listing " + s.shardsListed() + "/" + s.shards() + " shards" : "")
            + (s.failed() > 0 ? "  failed " + s.failed() : ""));
  }

  /** A bar for the share {@code frac} (0..1) done, with its percentage: {@code [###.....] 37%}. */
  public static String bar(double frac) {
    int filled = (int) Math.round(frac * WIDTH);
    return String.format(
        Locale.ROOT, "[%s%s] %3.0f%%", "#".repeat(filled), ".".repeat(WIDTH - filled), frac * 100);
  }

  public static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  public static String formatDuration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (printed || (lastLine && !terminal)) {
      out.println((terminal ? "\r" : "") + line.get());
    }
  }
}
