package io.skyrelay.transforms.values;

import org.apache.avro.reflect.Nullable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/** How one key compares between the source and one destination, as {@code skyrelay check} found. */
@DefaultCoder(AvroCoder.class)
public class CheckResult {

  /** The outcomes of a comparison, with the mark rclone's {@code check --combined} gives each. */
  public enum Status {
    /** At both, the same. */
    EQUAL('='),
    /** At the source only. */
    MISSING('-'),
    /** At the destination only. */
    EXTRA('+'),
    /** At both, not the same. */
    DIFFERENT('*'),
    /** Could not be compared (a read failed). */
    ERROR('!');

    private final char mark;

    Status(char mark) {
      this.mark = mark;
    }

    public char mark() {
      return mark;
    }
  }

  public int destination;
  public String key;
  public Status status;

  /** Why the key differs or could not be compared, else null. */
  @Nullable public String detail;

  public CheckResult() {}

  public CheckResult(int destination, String key, Status status, String detail) {
    this.destination = destination;
    this.key = key;
    this.status = status;
    this.detail = detail;
  }

  /** The line of the combined list: the status's mark, a space, the key. */
  public String combinedLine() {
    return status.mark() + " " + key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CheckResult r
        && r.destination == destination
        && r.key.equals(key)
        && r.status == status
        && java.util.Objects.equals(r.detail, detail);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(destination, key, status);
  }

  @Override
  public String toString() {
    return combinedLine() + (detail == null ? "" : " (" + detail + ")");
  }
}
