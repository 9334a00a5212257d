package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.HashingInputStream;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies objects from one store to another and checks the result: plain Java, used by the
 * replication DoFns. Source reads are conditional on the listed ETag, so an object that changes
 * mid-copy is never written half old, half new; what is written is verified by size and, where
 * either side knows it, by MD5 of the bytes that passed through.
 */
public final class ObjectCopier {

  /** User-metadata key under which a replica records the ETag of the source it was copied from. */
  public static final String SOURCE_ETAG = "skyrelay-source-etag";

  private final ObjectStore source;
  private final StoreLocation sourceLocation;
  private final ObjectStore destination;
  private final StoreLocation destinationLocation;
  private final boolean serverSideAllowed;
  private final boolean copyMetadata;

  public ObjectCopier(
      ObjectStore source,
      StoreLocation sourceLocation,
      ObjectStore destination,
      StoreLocation destinationLocation,
      boolean serverSideAllowed) {
    this(source, sourceLocation, destination, destinationLocation, serverSideAllowed, true);
  }

  private ObjectCopier(
      ObjectStore source,
      StoreLocation sourceLocation,
      ObjectStore destination,
      StoreLocation destinationLocation,
      boolean serverSideAllowed,
      boolean copyMetadata) {
    this.source = source;
    this.sourceLocation = sourceLocation;
    this.destination = destination;
    this.destinationLocation = destinationLocation;
    this.serverSideAllowed = serverSideAllowed;
    this.copyMetadata = copyMetadata;
  }

  /**
   * This copier, writing copies without the source's content type and user metadata (only the
   * source ETag they were copied from). Copies then go through this worker: a server-side copy
   * would carry the source's metadata.
   */
  public ObjectCopier withoutMetadata() {
    return new ObjectCopier(source, sourceLocation, destination, destinationLocation, false, false);
  }

  /** How one whole-object copy went. */
  public record Outcome(long bytes, String method) {}

  /** Whether the destination can copy this object whole without the bytes passing through here. */
  public boolean copiesServerSide(long size) {
    if (!serverSideAllowed) {
      return false;
    }
    Optional<ServerSideCopy> ssc = destination.serverSideCopy();
    return ssc.isPresent() && ssc.get().canCopyFrom(source) && size <= ssc.get().maxCopySize();
  }

  /** Whether parts can be filled server-side from byte ranges of the source. */
  public boolean copiesPartsServerSide() {
    return serverSideAllowed
        && destination.multipart().map(m -> m.canCopyPartFrom(source)).orElse(false);
  }

  /**
   * Copies one object whole, server-side or through this worker.
   *
   * @throws PreconditionFailedException when the source no longer has the listed ETag
   * @throws VerificationException when what was written does not match what was read
   */
  public Outcome copyWhole(ObjectEntry entry) {
    String srcKey = sourceLocation.keyOf(entry.key);
    String dstKey = destinationLocation.keyOf(entry.key);
    if (copiesServerSide(entry.size)) {
      ServerSideCopy ssc = destination.serverSideCopy().orElseThrow();
      // Where the source's ETag is the MD5 of its content (S3 single-part objects, local disk),
      // a verified copy carries that same ETag: the source ETag is recorded as the replica's own,
      // and the store can copy its metadata as it is (one request on S3 instead of three).
      boolean etagIsMd5 = entry.md5 != null && entry.md5.equals(entry.etag);
      WriteResult w =
          ssc.copy(
              source,
              srcKey,
              dstKey,
              entry.etag,
              etagIsMd5 ? Map.of() : Map.of(SOURCE_ETAG, entry.etag));
      if (entry.md5 != null && entry.md5.equals(w.etag())) {
        return new Outcome(entry.size, "server-side"); // the store reports the MD5 we expect
      }
      ObjectInfo written = destination.head(dstKey);
      if (written.size() != entry.size) {
        throw new VerificationException(
            dstKey
                + ": server-side copy wrote "
                + written.size()
                + " bytes, expected "
                + entry.size);
      }
      return new Outcome(entry.size, "server-side");
    }
    try (ObjectContent content = source.open(srcKey, null, entry.etag)) {
      // The MD5 of exactly the bytes handed to the destination, computed here whatever the
      // destination does (a destination that hashes what it stores shares this digest).
      HashingInputStream in = HashingInputStream.of(content.stream());
      // The listed MD5 goes with the body where the read confirms it: a destination that can check
      // it refuses damaged bytes instead of storing them (S3's Content-MD5).
      String listedMd5 = confirmedMd5(entry, content.info());
      WriteResult w =
          destination.put(
              dstKey, in, entry.size, options(content.info(), entry.etag).withMd5(listedMd5));
      verifyWrite(dstKey, listedMd5, entry.size, in.md5Hex(), w);
      return new Outcome(entry.size, "streamed");
    } catch (IOException e) {
      throw new StoreException("copying " + srcKey + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@link #verify}, removing the object written when it fails: a damaged replica that records the
   * source's ETag would otherwise look up to date to the next run's diff and stay damaged.
   */
  private void verifyWrite(
      String dstKey, String listedMd5, long size, String digest, WriteResult w) {
    try {
      verify(dstKey, listedMd5, size, digest, w);
    } catch (VerificationException e) {
      if (removeWritten(dstKey, w, e)) {
        throw new VerificationException(
            e.getMessage() + "; the copy was removed, the next run copies it again");
      }
      throw e;
    }
  }

  /**
   * Deletes what {@code w} wrote, if the destination still holds that write (a newer write by
   * someone else is left alone); a failure to delete is added to {@code cause}.
   */
  private boolean removeWritten(String dstKey, WriteResult w, Exception cause) {
    try {
      if (w.etag() != null && w.etag().equals(destination.head(dstKey).etag())) {
        destination.delete(dstKey);
        return true;
      }
    } catch (StoreException removal) {
      cause.addSuppressed(removal);
    }
    return false;
  }

  /**
   * The MD5 the bytes of {@code entry} must have, where the read of the object ({@code read})
   * confirms it, else {@code null}:
   *
   * <ul>
   *   <li>a listed MD5, where the read reports the same. A listing can take an ETag for an MD5 when
   *       it is not one: S3 objects encrypted with SSE-KMS or SSE-C look like single-request
   *       uploads in a listing, and only a HEAD or GET tells them apart;
   *   <li>without a listed MD5 (an entry made from a change event), the MD5 the read reports where
   *       it is the ETag the read was conditional on: the content of exactly that version.
   * </ul>
   */
  static String confirmedMd5(ObjectEntry entry, ObjectInfo read) {
    if (entry.md5 != null) {
      return entry.md5.equals(read.md5()) ? entry.md5 : null;
    }
    return read.md5() != null && read.md5().equals(entry.etag) ? read.md5() : null;
  }

  private void verify(String dstKey, String listedMd5, long size, String digest, WriteResult w) {
    if (listedMd5 != null && !listedMd5.equals(digest)) {
      throw new VerificationException(
          dstKey + ": the bytes read have MD5 " + digest + " but the source lists " + listedMd5);
    }
    if (digest.equals(w.etag()) && w.size() == size) {
      return; // the destination's ETag is the MD5 of what it stored (S3 single part, local disk)
    }
    ObjectInfo written = destination.head(dstKey);
    if (written.size() != size) {
      throw new VerificationException(
          dstKey + ": wrote " + written.size() + " bytes, expected " + size);
    }
    if (written.md5() != null && !written.md5().equals(digest)) {
      throw new VerificationException(
          dstKey + ": the destination reports MD5 " + written.md5() + ", the bytes sent " + digest);
    }
  }

  /** {@link #putOptions}, or without the source's metadata where this copier leaves it out. */
  private PutOptions options(ObjectInfo info, String sourceEtag) {
    return copyMetadata
        ? putOptions(info, sourceEtag)
        : PutOptions.of(null, Map.of(SOURCE_ETAG, sourceEtag));
  }

  /**
   * The destination's content type and metadata for a copy of an object described by {@code info}.
   */
  static PutOptions putOptions(ObjectInfo info, String sourceEtag) {
    Map<String, String> md = new HashMap<>(info.metadata());
    md.put(SOURCE_ETAG, sourceEtag);
    return PutOptions.of(info.contentType(), md);
  }

  // ---- multi-part ---------------------------------------------------------------------------

  /** The part size for an object of {@code size} bytes at the destination, within its limits. */
  public static long partSize(MultipartUploads mp, long size, long chunkSize) {
    return mp.partLimits().partSizeFor(size, chunkSize);
  }

  /** Starts the multi-part upload of an object; returns its handle. */
  public UploadHandle begin(ObjectEntry entry) {
    String srcKey = sourceLocation.keyOf(entry.key);
    ObjectInfo info = source.head(srcKey);
    if (entry.etag != null && !entry.etag.equals(info.etag())) {
      throw new PreconditionFailedException(
          srcKey + " changed since it was listed; it will be copied by the next run");
    }
    return destination
        .multipart()
        .orElseThrow()
        .begin(destinationLocation.keyOf(entry.key), options(info, entry.etag));
  }

  /** Writes one part from a byte range of the source, verifying the bytes against the part. */
  public CompletedPart copyPart(
      UploadHandle upload, ObjectEntry entry, int partNumber, long offset, long length) {
    MultipartUploads mp = destination.multipart().orElseThrow();
    String srcKey = sourceLocation.keyOf(entry.key);
    ByteRange range = ByteRange.ofLength(offset, length);
    if (copiesPartsServerSide()) {
      return mp.copyPart(upload, partNumber, source, srcKey, range, entry.etag);
    }
    try (InputStream raw = source.read(srcKey, range, entry.etag)) {
      HashingInputStream in = HashingInputStream.of(raw);
      CompletedPart part = mp.uploadPart(upload, partNumber, in, length);
      String digest = in.md5Hex();
      if (part.md5() != null && !part.md5().equals(digest)) {
        throw new VerificationException(
            upload.key()
                + " part "
                + partNumber
                + ": store reports MD5 "
                + part.md5()
                + ", the bytes sent "
                + digest);
      }
      return part;
    } catch (IOException e) {
      throw new StoreException("reading part " + partNumber + " of " + srcKey + ": " + e, e);
    }
  }

  /** Completes an upload and checks the assembled object's size. */
  public WriteResult complete(UploadHandle upload, List<CompletedPart> parts, long expectedSize) {
    WriteResult w = destination.multipart().orElseThrow().complete(upload, parts);
    ObjectInfo written = destination.head(upload.key());
    if (written.size() != expectedSize) {
      throw new VerificationException(
          upload.key() + ": assembled " + written.size() + " bytes, expected " + expectedSize);
    }
    return w;
  }

  /**
   * Copies a large object as a multi-part upload, part after part, on this thread; aborts the
   * upload when anything fails. For callers that copy one object at a time (the sync job); the
   * batch job spreads parts over workers instead.
   */
  public WriteResult copyInParts(ObjectEntry entry, long chunkSize) {
    MultipartUploads mp = destination.multipart().orElseThrow();
    long part = partSize(mp, entry.size, chunkSize);
    UploadHandle upload = begin(entry);
    try {
      List<CompletedPart> parts = new java.util.ArrayList<>();
      for (long offset = 0; offset < entry.size; offset += part) {
        int number = (int) (offset / part) + 1;
        parts.add(copyPart(upload, entry, number, offset, Math.min(part, entry.size - offset)));
      }
      return complete(upload, parts, entry.size);
    } catch (RuntimeException e) {
      abort(upload);
      throw e;
    }
  }

  public void abort(UploadHandle upload) {
    destination.multipart().orElseThrow().abort(upload);
  }

  /** What was written does not match what was read. */
  public static final class VerificationException extends StoreException {
    private static final long serialVersionUID = 1L;

    public VerificationException(String message) {
      super(message);
    }
  }
}
