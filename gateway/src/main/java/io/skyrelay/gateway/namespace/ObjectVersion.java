package io.skyrelay.gateway.namespace;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of a virtual object, with the copies asked for.
 *
 * @param versionId the version's id
 * @param bucket the virtual bucket
 * @param key the object key
 * @param size size in bytes
 * @param etag the ETag clients see (the MD5 of the content, hex)
 * @param md5 hex MD5 of the content, or {@code null} while pending
 * @param contentType the content type, or {@code null}
 * @param metadata user metadata
 * @param status the version's state
 * @param baseRegion the region that received the write
 * @param createdAt when the write began
 * @param copies its physical copies (which ones depends on the query)
 */
public record ObjectVersion(
    String versionId,
    String bucket,
    String key,
    long size,
    String etag,
    String md5,
    String contentType,
    Map<String, String> metadata,
    CopyStatus status,
    String baseRegion,
    Instant createdAt,
    List<PhysicalCopy> copies) {

  public ObjectVersion {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    copies = copies == null ? List.of() : List.copyOf(copies);
  }
}
