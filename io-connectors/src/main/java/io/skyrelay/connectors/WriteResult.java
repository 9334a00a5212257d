package io.skyrelay.connectors;

import java.io.Serializable;

/**
 * The outcome of writing a whole object.
 *
 * @param key the key written
 * @param size bytes written
 * @param etag the new object's ETag (as {@link ObjectInfo#etag()} would report it)
 */
public record WriteResult(String key, long size, String etag) implements Serializable {}
