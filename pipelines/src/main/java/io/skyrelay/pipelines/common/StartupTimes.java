package io.skyrelay.pipelines.common;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a run reached each step of its start, in milliseconds after the JVM started: recorded as the
 * run goes and logged together at debug level (logger {@code io.skyrelay.startup}, shown with
 * {@code -v}) once the job ended, so recording costs the start nothing.
 */
public final class StartupTimes {

  private static final List<String> NAMES = new ArrayList<>();
  private static final List<Long> TIMES = new ArrayList<>();

  private StartupTimes() {}

  /** Records that the run reached {@code step} now. */
  public static void mark(String step) {
    mark(step, System.currentTimeMillis());
  }

  /** Records that the run reached {@code step} at {@code epochMillis} (nothing if zero). */
  public static synchronized void mark(String step, long epochMillis) {
    if (epochMillis > 0) {
      NAMES.add(step);
      TIMES.add(epochMillis);
    }
  }

  /** Logs the steps recorded so far, and forgets them. */
  public static synchronized void log() {
    Logger log = LoggerFactory.getLogger("io.skyrelay.startup");
    if (log.isDebugEnabled() && !NAMES.isEmpty()) {
      long jvm =
          ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
      StringBuilder b = new StringBuilder("start-up, ms after the JVM started:");
      for (int i = 0; i < NAMES.size(); i++) {
        b.append(i == 0 ? " " : ", ").append(NAMES.get(i)).append(' ').append(TIMES.get(i) - jvm);
      }
      log.debug(b.toString());
    }
    NAMES.clear();
    TIMES.clear();
  }
}
