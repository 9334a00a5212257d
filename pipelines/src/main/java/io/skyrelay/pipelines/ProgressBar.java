package io.skyrelay.pipelines;

import io.skyrelay.transforms.replicate.ReplicationProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints the replication's progress while it runs: objects, bytes, rate and ETA. On a terminal it
 * redraws one line; otherwise (logs, CI) it prints a line every few seconds.
 */
public final class ProgressBar implements AutoCloseable {

  private final PrintStream out;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;

  public ProgressBar(PrintStream out) {
    this.out = out;
    this.terminal = System.console() != null;
    this.thread = new Thread(this::loop, "progress");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void loop() {
    long lastPrint = 0;
    while (running) {
      try {
        Thread.sleep(terminal ? 250 : 500);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (terminal) {
        out.print("\r" + line() + "   ");
        out.flush();
      } else if (now - lastPrint > 5_000_000_000L) {
        out.println(line());
        lastPrint = now;
      }
    }
  }

  String line() {
    ReplicationProgress.Snapshot s = ReplicationProgress.snapshot();
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    double rate = s.doneBytes() / seconds;
    long remaining = Math.max(0, s.plannedBytes() - s.doneBytes());
    String eta = rate > 0 && s.plannedBytes() > 0 ? formatDuration(remaining / rate) : "--";
    int width = 24;
    double frac =
        s.plannedBytes() == 0 ? 0 : Math.min(1.0, (double) s.doneBytes() / s.plannedBytes());
    int filled = (int) Math.round(frac * width);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3.0f%% %,d/%,d objects  %s/%s  %s/s  ETA %s%s",
        "#".repeat(filled),
        ".".repeat(width - filled),
        frac * 100,
        s.doneObjects(),
        s.plannedObjects(),
        bytes(s.doneBytes()),
        bytes(s.plannedBytes()),
        bytes((long) rate),
        eta,
        s.failed() > 0 ? "  failed " + s.failed() : "");
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

  static String formatDuration(double seconds) {
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
    if (terminal) {
      out.println("\r" + line());
    }
  }
}
