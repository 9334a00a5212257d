package io.skyrelay.transforms.values;

import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/**
 * A message that could not be turned into change events: the message as it was read, and why, so it
 * can be inspected and replayed.
 */
@DefaultCoder(AvroCoder.class)
public class DeadLetter {

  public NotificationMessage message;

  /**
   * What was wrong, naming the place and the field (for example {@code S3 record 0 has no ...}).
   */
  public String reason;

  public DeadLetter() {}

  public DeadLetter(NotificationMessage message, String reason) {
    this.message = Objects.requireNonNull(message, "message");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter d && message.equals(d.message) && reason.equals(d.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(message, reason);
  }

  @Override
  public String toString() {
    return message + ": " + reason;
  }
}
