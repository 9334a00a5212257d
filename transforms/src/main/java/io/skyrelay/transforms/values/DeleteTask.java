package io.skyrelay.transforms.values;

import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/** One object at a destination that no longer exists at the source. */
@DefaultCoder(AvroCoder.class)
public class DeleteTask {
  public int destination;
  public ObjectEntry target;

  public DeleteTask() {}

  public DeleteTask(int destination, ObjectEntry target) {
    this.destination = destination;
    this.target = target;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeleteTask t && t.destination == destination && t.target.equals(target);
  }

  @Override
  public int hashCode() {
    return Objects.hash(destination, target);
  }

  @Override
  public String toString() {
    return "delete " + target + " at destination " + destination;
  }
}
