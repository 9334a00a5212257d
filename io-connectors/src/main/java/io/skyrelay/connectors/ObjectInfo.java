package io.skyrelay.connectors;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

/**
 * What a store reports about one object.
 *
 * @param key the full key inside the container
 * @param size size in bytes
 * @param etag the store's entity tag (S3/Azure ETag without quotes; the generation on GCS; a
 *     content hash on local disk); changes whenever the content changes
 * @param lastModified when the object was last written
 * @param md5 lowercase hex MD5 of the content where the store knows it, else {@code null}
 * @param contentType MIME type, or {@code null} when the listing does not carry it
 * @param metadata user metadata; empty when unknown (listings of some stores omit it)
 * @param storageClass the store's storage class or access tier, or {@code null}
 */
public record ObjectInfo(
    String key,
    long size,
    String etag,
    Instant lastModified,
    String md5,
    String contentType,
    Map<String, String> metadata,
    String storageClass)
    implements Serializable {

  public ObjectInfo {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
