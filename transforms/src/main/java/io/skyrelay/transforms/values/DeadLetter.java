package io.skyrelay.transforms.values;

import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/**
 * A message that could not be turned into change events, or a change event that could not be
 * applied: the message as it was read (for an event that failed to apply, the event itself, see
 * {@code io.skyrelay.transforms.sync.ApplyChangesFn}), why, and after how many attempts, so it can
 * be inspected and replayed.
 */
@DefaultCoder(AvroCoder.class)
public class DeadLetter {

  public NotificationMessage message;

  /**
   * What was wrong, naming the place and the field (for example {@code S3 record 0 has no ...}).
   */
  public String reason;

  /** How many times it was tried: 1 for a message that could not be parsed. */
  public int attempts = 1;

  public DeadLetter() {}

  public DeadLetter(NotificationMessage message, String reason) {
    this(message, reason, 1);
  }

  public DeadLetter(NotificationMessage message, String reason, int attempts) {
    this.message = Objects.requireNonNull(message, "message");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.attempts = attempts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter d
        && message.equals(d.message)
        && reason.equals(d.reason)
        && attempts == d.attempts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(message, reason, attempts);
  }

  @Override
  public String toString() {
    return message + ": " + reason + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)");
  }
}
