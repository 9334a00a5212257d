package io.skyrelay.transforms.values;

import java.util.Objects;
import org.apache.avro.reflect.Nullable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/** What happened to one object at one destination; the records of the per-object results file. */
@DefaultCoder(AvroCoder.class)
public class ObjectResult {

  /** The outcomes an object can have. */
  public enum Action {
    COPIED,
    SKIPPED,
    DELETED,
    DELETE_REFUSED,
    FAILED
  }

  public int destination;
  public String key;
  public Action action;
  public long bytes;

  /** How it was copied: {@code server-side}, {@code streamed}, {@code multipart}, ... */
  @Nullable public String method;

  @Nullable public String error;

  public ObjectResult() {}

  public ObjectResult(
      int destination, String key, Action action, long bytes, String method, String error) {
    this.destination = destination;
    this.key = key;
    this.action = action;
    this.bytes = bytes;
    this.method = method;
    this.error = error;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectResult r
        && r.destination == destination
        && r.key.equals(key)
        && r.action == action
        && r.bytes == bytes
        && Objects.equals(r.method, method)
        && Objects.equals(r.error, error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(destination, key, action);
  }

  @Override
  public String toString() {
    return action + " " + key + " -> " + destination + (error == null ? "" : " (" + error + ")");
  }
}
