package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

  private final List<Duration> waits = new ArrayList<>();
  private final Retrier retrier =
      new Retrier(5, Duration.ofMillis(100), Duration.ofMillis(1000), waits::add);

  @Test
  void throttledCallsAreRetriedWithBoundedJitteredBackoff() {
    AtomicInteger calls = new AtomicInteger();
    String result =
        retrier.call(
            "op",
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw new ThrottledException("slow down");
              }
              return "done";
            },
            e -> new StoreException("unexpected", e));
    assertEquals("done", result);
    assertEquals(4, calls.get());
    assertEquals(3, waits.size());
    long[] caps = {100, 200, 400};
    for (int i = 0; i < waits.size(); i++) {
      long ms = waits.get(i).toMillis();
      assertTrue(ms >= 0 && ms <= caps[i], "wait " + i + " = " + ms + " ms, cap " + caps[i]);
    }
  }

  @Test
  void givesUpAfterMaxAttemptsWithAMessageThatSaysWhatToChange() {
    AtomicInteger calls = new AtomicInteger();
    ThrottledException e =
        assertThrows(
            ThrottledException.class,
            () ->
                retrier.call(
                    "listing s3://b",
                    () -> {
                      calls.incrementAndGet();
                      throw new RuntimeException("503 SlowDown");
                    },
                    ex -> new ThrottledException("throttled", ex)));
    assertEquals(5, calls.get());
    assertTrue(waits.stream().allMatch(w -> w.toMillis() <= 1000), "every wait is capped");
    assertTrue(e.getMessage().contains("after 5 attempts"), e.getMessage());
    assertTrue(e.getMessage().contains("lower the parallelism"), e.getMessage());
  }

  @Test
  void otherErrorsAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThrows(
        ObjectNotFoundException.class,
        () ->
            retrier.call(
                "head k",
                () -> {
                  calls.incrementAndGet();
                  throw new ObjectNotFoundException("no such object k");
                },
                ex -> new StoreException("x", ex)));
    assertEquals(1, calls.get());
    assertEquals(0, waits.size());
  }
}
