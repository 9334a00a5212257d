package io.skyrelay.transforms.values;

import java.util.Objects;
import org.apache.avro.reflect.Nullable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/** One object to copy from the source to one destination. */
@DefaultCoder(AvroCoder.class)
public class CopyTask {
  /** Index of the destination in the job's destination list. */
  public int destination;

  public ObjectEntry source;

  /** Why it is copied: {@code missing} at the destination, or {@code changed}. */
  @Nullable public String reason;

  public CopyTask() {}

  public CopyTask(int destination, ObjectEntry source, String reason) {
    this.destination = destination;
    this.source = source;
    this.reason = reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CopyTask t
        && t.destination == destination
        && t.source.equals(source)
        && Objects.equals(t.reason, reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(destination, source);
  }

  @Override
  public String toString() {
    return "copy " + source + " to destination " + destination + " (" + reason + ")";
  }
}
