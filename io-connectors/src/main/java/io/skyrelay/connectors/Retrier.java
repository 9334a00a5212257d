package io.skyrelay.connectors;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries an idempotent store call when the store throttles it or fails transiently, with bounded
 * exponential backoff and full jitter (the delay before attempt {@code n} is uniform in {@code [0,
 * min(maxDelay, baseDelay * 2^n)]}), then gives up with a message that says what to change.
 */
public final class Retrier {

  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** Six attempts over roughly 6 s at most: enough for a store's short throttling bursts. */
  public static final Retrier DEFAULT =
      new Retrier(6, Duration.ofMillis(100), Duration.ofSeconds(3), Retrier::sleep);

  private final int maxAttempts;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Sleeper sleeper;

  /** Waits between attempts; replaceable so tests need not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  public Retrier(int maxAttempts, Duration baseDelay, Duration maxDelay, Sleeper sleeper) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    this.maxAttempts = maxAttempts;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.sleeper = sleeper;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Runs {@code call}; errors go through {@code translate} to a {@link StoreException}, and
   * throttled or transient ones are retried.
   */
  public <T> T call(
      String what, Callable<T> call, Function<Exception, ? extends StoreException> translate) {
    for (int attempt = 1; ; attempt++) {
      StoreException failure;
      try {
        return call.call();
      } catch (Exception e) {
        failure = e instanceof StoreException se ? se : translate.apply(e);
      }
      boolean retryable =
          failure instanceof ThrottledException || failure instanceof TransientStoreException;
      if (!retryable) {
        throw failure;
      }
      if (attempt >= maxAttempts) {
        if (failure instanceof ThrottledException) {
          StoreRetries.throttledGaveUp();
        }
        if (failure instanceof ThrottledException) {
          throw new ThrottledException(
              what
                  + ": the store is still throttling after "
                  + attempt
                  + " attempts; lower the parallelism (--parallelism, --max-connections) or ask"
                  + " the store's owner for a higher request rate",
              failure);
        }
        throw new TransientStoreException(
            what + ": still failing after " + attempt + " attempts: " + failure.getMessage(),
            failure);
      }
      StoreRetries.retried(failure instanceof ThrottledException);
      Duration delay = backoff(attempt);
      LOG.debug("{}: attempt {} failed ({}); retrying in {}", what, attempt, failure, delay);
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new TransientStoreException(what + ": interrupted while waiting to retry", failure);
      }
    }
  }

  /**
   * Whether {@code failure} is worth another attempt: the store throttled or failed transiently.
   */
  public static boolean retryable(Exception failure) {
    return failure instanceof ThrottledException || failure instanceof TransientStoreException;
  }

  /** The jittered wait before the attempt after failed attempt {@code attempt} (from 1). */
  public Duration backoff(int attempt) {
    long cap = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
  }

  /** Waits {@code d} with this retrier's sleeper. */
  public void pause(Duration d) throws InterruptedException {
    sleeper.sleep(d);
  }

  private static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
