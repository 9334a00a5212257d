package io.skyrelay.connectors;

/** Optional abilities of a connector, beyond the operations every {@link ObjectStore} has. */
public enum Capability {
  /** Objects can be assembled from parts uploaded independently and in any order. */
  MULTIPART_UPLOAD,
  /** A part can be filled server-side from a byte range of another object (UploadPartCopy). */
  PART_COPY,
  /** Whole objects can be copied without the bytes passing through the client. */
  SERVER_SIDE_COPY,
  /** Reads can be made conditional on the object's ETag (If-Match). */
  CONDITIONAL_READ,
  /** Writes can be made conditional on the key not existing yet (If-None-Match: *). */
  CONDITIONAL_CREATE,
  /** Many objects can be deleted in one request. */
  BATCH_DELETE,
  /** Listings and heads report an MD5 of the content for objects written in one request. */
  CONTENT_MD5,
  /**
   * A write's ETag is the MD5 of exactly the bytes it read from the caller's stream, computed in
   * the caller's process as it writes them (local disk): hashing them again on the way in adds
   * nothing.
   */
  WRITE_MD5_IN_PROCESS
}
