package io.skyrelay.connectors;

import java.io.InputStream;
import java.util.List;

/**
 * Multi-part assembly: an object built from parts that are uploaded independently, in parallel and
 * in any order, and made visible all at once by {@link #complete}. S3 multipart uploads, Azure
 * staged blocks, GCS compose of temporary objects, and a staging folder on local disk.
 */
public interface MultipartUploads {

  /** The part sizes and part count this store allows for one object. */
  PartLimits partLimits();

  /** Starts an upload; {@code options} apply to the object made by {@link #complete}. */
  UploadHandle begin(String key, PutOptions options);

  /** Uploads part {@code partNumber} (1-based) from a stream of exactly {@code length} bytes. */
  CompletedPart uploadPart(UploadHandle upload, int partNumber, InputStream content, long length);

  /** Whether {@link #copyPart} can take bytes from {@code source} without passing them here. */
  boolean canCopyPartFrom(ObjectStore source);

  /**
   * Fills part {@code partNumber} server-side from {@code range} of {@code sourceKey} in {@code
   * source}, provided the source object still has ETag {@code ifMatch} (when not {@code null}).
   */
  CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch);

  /** Assembles the parts in part-number order and makes the object visible. */
  WriteResult complete(UploadHandle upload, List<CompletedPart> parts);

  /** Discards an upload and its parts; aborting an unknown upload is not an error. */
  void abort(UploadHandle upload);

  /** Uploads begun under {@code prefix} and neither completed nor aborted. */
  List<UploadHandle> listPending(String prefix);
}
