package io.skyrelay.connectors;

import java.io.Serializable;

/**
 * The sizes a store allows for the parts of one multi-part upload.
 *
 * @param minPartSize smallest size of every part but the last
 * @param maxPartSize largest size of one part
 * @param maxParts most parts one object can have
 */
public record PartLimits(long minPartSize, long maxPartSize, int maxParts) implements Serializable {

  public PartLimits {
    if (minPartSize < 1 || maxPartSize < minPartSize || maxParts < 1) {
      throw new IllegalArgumentException(
          "part limits need 1 <= minPartSize <= maxPartSize and maxParts >= 1, got "
              + minPartSize
              + ".."
              + maxPartSize
              + " and "
              + maxParts);
    }
  }

  /**
   * The part size for an object of {@code size} bytes: {@code chunkSize}, raised to the minimum
   * part size and to what keeps the object within {@link #maxParts} parts.
   *
   * @throws IllegalArgumentException when that size is above {@link #maxPartSize}
   */
  public long partSizeFor(long size, long chunkSize) {
    long part = Math.max(chunkSize, minPartSize);
    long needed = (size + maxParts - 1) / maxParts;
    part = Math.max(part, needed);
    if (part > maxPartSize) {
      throw new IllegalArgumentException(
          "object of " + size + " bytes needs parts larger than the store's maximum");
    }
    return part;
  }
}
