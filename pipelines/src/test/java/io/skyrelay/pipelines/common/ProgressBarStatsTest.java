package io.skyrelay.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgressBarStatsTest {

  @Test
  void withoutATerminalALineIsPrintedAtEachIntervalAndAtTheEnd() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    AtomicInteger n = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    ProgressBar bar =
        new ProgressBar(
            out,
            0,
            false,
            Duration.ofMillis(20),
            true,
            () -> {
              three.countDown();
              return "stats: line " + n.incrementAndGet();
            });
    assertTrue(three.await(30, TimeUnit.SECONDS), "three periodic lines");
    bar.close();
    List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.size() >= 4, lines.toString());
    for (int i = 0; i < lines.size(); i++) {
      assertEquals("stats: line " + (i + 1), lines.get(i));
    }
    assertFalse(buffer.toString(StandardCharsets.UTF_8).contains("\r"));
  }

  @Test
  void aShortJobStillEndsWithOneLine() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    new ProgressBar(out, 0, false, Duration.ofHours(1), true, () -> "stats: done").close();
    assertEquals(List.of("stats: done"), buffer.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
