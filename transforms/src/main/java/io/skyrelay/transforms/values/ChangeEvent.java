package io.skyrelay.transforms.values;

import java.util.Objects;
import org.apache.avro.reflect.Nullable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/**
 * One change to one object in a bucket, normalized from any store's change notification (S3 event
 * notifications, EventBridge, Azure Event Grid, GCS Pub/Sub).
 */
@DefaultCoder(AvroCoder.class)
public class ChangeEvent {

  /** What happened to the object. */
  public enum Kind {
    /** Created or overwritten: the object now has new content. */
    CREATED,
    /** Deleted (or, on GCS, a non-current generation went away; see overwrittenByGeneration). */
    DELETED,
    /** Only its metadata changed. */
    METADATA_UPDATED
  }

  /**
   * The notification format it came from: {@code s3}, {@code eventbridge}, {@code eventgrid},
   * {@code gcs}.
   */
  public String format;

  /** The store's URI scheme: {@code s3}, {@code az} or {@code gs}. */
  public String store;

  /** The bucket; for Azure {@code account/container}. */
  public String bucket;

  /** The object key, decoded (S3 notifications URL-encode it). */
  public String key;

  public Kind kind;

  /** Size in bytes, or -1 when the notification does not carry it (deletes). */
  public long size = -1;

  /**
   * The object's ETag as the connector reports it (without quotes; on GCS the generation), or null.
   */
  @Nullable public String etag;

  /** S3 version id, or null. */
  @Nullable public String versionId;

  /**
   * The store's ordering token for this key: the S3 {@code sequencer} (hex), the GCS generation
   * (decimal; with the metageneration after a dot for metadata updates), the Azure {@code
   * sequencer} (hex). See {@link io.skyrelay.transforms.sync.EventOrder}.
   */
  @Nullable public String sequencer;

  /** When the store says the change happened, in epoch milliseconds. */
  public long eventTimeMillis;

  /**
   * GCS: the generation that replaced this one, when a delete is the side effect of an overwrite.
   */
  @Nullable public String overwrittenByGeneration;

  @Nullable public String contentType;

  public ChangeEvent() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof ChangeEvent e
        && Objects.equals(format, e.format)
        && Objects.equals(store, e.store)
        && Objects.equals(bucket, e.bucket)
        && Objects.equals(key, e.key)
        && kind == e.kind
        && size == e.size
        && Objects.equals(etag, e.etag)
        && Objects.equals(versionId, e.versionId)
        && Objects.equals(sequencer, e.sequencer)
        && eventTimeMillis == e.eventTimeMillis
        && Objects.equals(overwrittenByGeneration, e.overwrittenByGeneration)
        && Objects.equals(contentType, e.contentType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(store, bucket, key, kind, sequencer);
  }

  @Override
  public String toString() {
    return kind + " " + store + "://" + bucket + "/" + key + " seq=" + sequencer + " etag=" + etag
        + " size=" + size;
  }
}
