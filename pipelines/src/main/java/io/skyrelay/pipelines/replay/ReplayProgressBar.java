package io.skyrelay.pipelines.replay;

import io.skyrelay.pipelines.ProgressBar;
import io.skyrelay.replay.ReplayProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a replay: share of the trace file read, requests, rate and ETA. Redraws one line on a
 * terminal, prints a line every few seconds otherwise, and nothing for replays under a second.
 */
final class ReplayProgressBar implements AutoCloseable {

  private final PrintStream out;
  private final ReplayProgress progress;
  private final boolean terminal = System.console() != null;
  private final long started = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean printed;

  ReplayProgressBar(PrintStream out, ReplayProgress progress) {
    this.out = out;
    this.progress = progress;
    this.thread = new Thread(this::loop, "replay-progress");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void loop() {
    long lastPrint = System.nanoTime();
    while (running) {
      try {
        Thread.sleep(terminal ? 250 : 1000);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (now - started < 1_000_000_000L) {
        continue;
      }
      if (terminal) {
        out.print("\r" + line() + "   ");
        out.flush();
        printed = true;
      } else if (now - lastPrint > 5_000_000_000L) {
        out.println(line());
        lastPrint = now;
      }
    }
  }

  String line() {
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    long total = progress.totalBytes();
    long read = progress.bytesRead();
    double frac = total <= 0 ? 0 : Math.min(1.0, (double) read / total);
    double rate = progress.requests() / seconds;
    String eta = frac > 0 ? String.format(Locale.ROOT, "%.0fs", seconds * (1 - frac) / frac) : "--";
    int width = 24;
    int filled = (int) Math.round(frac * width);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3.0f%% %s/%s  %,d requests  %,.0f requests/s  ETA %s",
        "#".repeat(filled),
        ".".repeat(width - filled),
        frac * 100,
        ProgressBar.bytes(read),
        ProgressBar.bytes(total),
        progress.requests(),
        rate,
        eta);
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
    if (printed) {
      out.println("\r" + line());
    }
  }
}
