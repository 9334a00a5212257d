package io.skyrelay.transforms.values;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.avro.reflect.Nullable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/**
 * One message as it was read from a topic of change notifications (a Kafka record): where it came
 * from, its key, its value bytes and its headers, unchanged, so that a message that cannot be
 * parsed can be passed on whole as a {@link DeadLetter}.
 */
@DefaultCoder(AvroCoder.class)
public class NotificationMessage {

  /** One header of the message; a name may appear more than once. */
  @DefaultCoder(AvroCoder.class)
  public static class Header {
    public String name;
    @Nullable public byte[] value;

    public Header() {}

    public Header(String name, byte[] value) {
      this.name = Objects.requireNonNull(name, "name");
      this.value = value;
    }

    /** The value as UTF-8 text, empty when it has none. */
    public String text() {
      return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Header h && name.equals(h.name) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(value);
    }
  }

  public String topic;
  public int partition;
  public long offset;

  /** The message key, or null. */
  @Nullable public byte[] key;

  /** The message value (empty when the message had none). */
  public byte[] value = new byte[0];

  public List<Header> headers = new ArrayList<>();

  public NotificationMessage() {}

  public NotificationMessage(
      String topic, int partition, long offset, byte[] key, byte[] value, List<Header> headers) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value == null ? new byte[0] : value;
    this.headers = headers == null ? new ArrayList<>() : new ArrayList<>(headers);
  }

  /** A message without key or headers (tests, and sources that have neither). */
  public static NotificationMessage of(String topic, int partition, long offset, byte[] value) {
    return new NotificationMessage(topic, partition, offset, null, value, List.of());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotificationMessage m
        && topic.equals(m.topic)
        && partition == m.partition
        && offset == m.offset
        && Arrays.equals(key, m.key)
        && Arrays.equals(value, m.value)
        && headers.equals(m.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset + " (" + value.length + " bytes)";
  }
}
