package io.skyrelay.connectors;

import java.io.Serializable;

/**
 * A part that has been uploaded.
 *
 * @param partNumber 1-based position in the assembled object
 * @param etag the store's token for the part (S3 part ETag, Azure block id, GCS part object
 *     generation)
 * @param size bytes in the part
 * @param md5 the hex MD5 of the part's bytes as the store computed it, or {@code null} when its
 *     token is not one
 */
public record CompletedPart(int partNumber, String etag, long size, String md5)
    implements Serializable {

  /** A part whose token is taken for the MD5 of its bytes when it has an MD5's shape. */
  public CompletedPart(int partNumber, String etag, long size) {
    this(partNumber, etag, size, etag != null && etag.matches("[0-9a-f]{32}") ? etag : null);
  }
}
