package io.skyrelay.transforms.replicate;

import io.skyrelay.transforms.values.ObjectEntry;

/** How a destination object is judged to be the same as its source. */
public enum DiffMode {
  /**
   * Size and MD5 when both stores report one; else size and ETag when both are the same kind of
   * store; else size and modification time.
   */
  AUTO,
  /** Size and ETag. */
  ETAG,
  /** Size and content MD5; objects without a known MD5 on either side are copied. */
  CHECKSUM,
  /** Size, and the destination at least as new as the source. */
  MTIME;

  /**
   * Whether {@code dst} already holds {@code src}.
   *
   * @param sameKindOfStore source and destination use the same connector, so ETags are comparable
   */
  public boolean inSync(ObjectEntry src, ObjectEntry dst, boolean sameKindOfStore) {
    if (src.size != dst.size) {
      return false;
    }
    return switch (this) {
      case ETAG -> src.etag != null && src.etag.equals(dst.etag);
      case CHECKSUM -> src.md5 != null && src.md5.equals(dst.md5);
      case MTIME -> dst.lastModifiedMillis >= src.lastModifiedMillis;
      case AUTO -> {
        if (src.md5 != null && dst.md5 != null) {
          yield src.md5.equals(dst.md5);
        }
        if (sameKindOfStore && src.etag != null && src.etag.equals(dst.etag)) {
          yield true;
        }
        yield dst.lastModifiedMillis >= src.lastModifiedMillis;
      }
    };
  }
}
