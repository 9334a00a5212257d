package io.skyrelay.connectors;

import java.io.Serializable;

/**
 * A part that has been uploaded.
 *
 * @param partNumber 1-based position in the assembled object
 * @param etag the store's token for the part (S3 part ETag, Azure block id, GCS part object
 *     generation)
 * @param size bytes in the part
 */
public record CompletedPart(int partNumber, String etag, long size) implements Serializable {}
