package io.skyrelay.connectors;

import java.io.Serializable;
import java.util.Map;

/**
 * How to write an object.
 *
 * @param contentType MIME type, or {@code null} for the store's default
 * @param metadata user metadata (keys are lower-cased by most stores; see the README's mapping)
 * @param ifNoneMatch when true, the write fails with {@link PreconditionFailedException} if the key
 *     already exists
 * @param md5 the MD5 the content must have (hex), or {@code null}: a body whose bytes differ is
 *     refused and nothing is written (S3: {@code Content-MD5}, checked by the server; Azure: the
 *     same for single-request writes, compared before the block list is committed otherwise; GCS
 *     and local disk: compared before the object is made visible)
 */
public record PutOptions(
    String contentType, Map<String, String> metadata, boolean ifNoneMatch, String md5)
    implements Serializable {

  public static final PutOptions DEFAULT = new PutOptions(null, Map.of(), false, null);

  public PutOptions {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  public static PutOptions of(String contentType, Map<String, String> metadata) {
    return new PutOptions(contentType, metadata, false, null);
  }

  public PutOptions withIfNoneMatch() {
    return new PutOptions(contentType, metadata, true, md5);
  }

  /** These options for content whose MD5 is known ({@code null}: not known). */
  public PutOptions withMd5(String md5Hex) {
    return new PutOptions(contentType, metadata, ifNoneMatch, md5Hex);
  }

  /**
   * The error for a body whose MD5 is not the promised one; nothing was written.
   *
   * @param where the object, as the store names it
   */
  public StoreException md5Mismatch(String where, String actualMd5) {
    return new TransientStoreException(
        "writing "
            + where
            + ": the bytes read have MD5 "
            + actualMd5
            + " but the writer promised "
            + md5
            + " (the source changed or the bytes were damaged on the way); nothing was written,"
            + " write it again");
  }
}
