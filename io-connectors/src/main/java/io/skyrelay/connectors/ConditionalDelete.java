package io.skyrelay.connectors;

/**
 * Deletes an object only while it is still the version the caller knows, in one request that the
 * store checks itself, so a write that lands between the caller's check and the delete is never
 * lost.
 */
@FunctionalInterface
public interface ConditionalDelete {

  /**
   * Deletes {@code key} if its ETag is still {@code etag}; a missing object is not an error.
   *
   * @throws PreconditionFailedException if the object now has another ETag (it was overwritten)
   */
  void deleteIfMatch(String key, String etag);
}
