package io.skyrelay.connectors;

import java.io.Serializable;

/**
 * The outcome of writing a whole object.
 *
 * @param key the key written
 * @param size bytes written, or {@link #UNKNOWN_SIZE} when the store did not report it (a
 *     server-side copy)
 * @param etag the new object's ETag (as {@link ObjectInfo#etag()} would report it)
 */
public record WriteResult(String key, long size, String etag) implements Serializable {

  /** The size of a write whose store did not report it. */
  public static final long UNKNOWN_SIZE = -1;
}
