package io.skyrelay.connectors;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * One container of objects in one store: an S3 or GCS bucket, an Azure container, or a directory on
 * local disk. Keys are full object names inside the container ({@code photos/2024/a.jpg}).
 *
 * <p>Every operation throws a subclass of {@link StoreException} on failure; the message says what
 * the user can do about it and never contains a credential. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

  /** The container this store is bound to, with an empty prefix. */
  StoreUri root();

  /**
   * One page of the listing of {@code request.prefix()}, in ascending key order. With a delimiter,
   * keys that contain it after the prefix are rolled up into {@link ListPage#commonPrefixes()}.
   */
  ListPage list(ListRequest request);

  /** Metadata of one object, including content type and user metadata. */
  ObjectInfo head(String key);

  /**
   * Opens a stream over the object's bytes, or over {@code range} of them. The stream reads from
   * the store as it is consumed; it never holds the whole object in memory.
   *
   * @param range the bytes to read, or {@code null} for the whole object
   * @param ifMatch the ETag the object must still have, or {@code null}; when the object has
   *     changed, {@link PreconditionFailedException} is thrown
   */
  InputStream read(String key, ByteRange range, String ifMatch);

  /**
   * Opens the object for reading together with its metadata (content type, user metadata), both of
   * the same version: where the store returns metadata with the bytes (S3) this is one request,
   * otherwise a head followed by a read conditional on the head's ETag.
   */
  default ObjectContent open(String key, ByteRange range, String ifMatch) {
    ObjectInfo info = head(key);
    if (ifMatch != null && !ifMatch.equals(info.etag())) {
      throw new PreconditionFailedException(
          "object "
              + key
              + " changed since it was listed (ETag "
              + info.etag()
              + ", expected "
              + ifMatch
              + "); list it again and retry");
    }
    return new ObjectContent(info, read(key, range, info.etag()));
  }

  /**
   * Writes a whole object from {@code content}, which must deliver exactly {@code length} bytes.
   * The object becomes visible only when complete. Every byte stored is read from {@code content}
   * itself (not from a stream it wraps), so a caller that hashes {@code content} knows the MD5 of
   * what it handed over; a connector that needs the MD5 of what it stores takes it with {@link
   * HashingInputStream#of}, which shares the caller's digest instead of computing a second one.
   */
  WriteResult put(String key, InputStream content, long length, PutOptions options);

  /** Deletes one object; deleting a key that does not exist is not an error. */
  void delete(String key);

  /**
   * Deletes that check the object's ETag in the same request (S3 and Azure If-Match, GCS
   * ifGenerationMatch); empty for stores that have none (local disk, Swift).
   */
  default Optional<ConditionalDelete> conditionalDelete() {
    return Optional.empty();
  }

  /**
   * Deletes many objects, in as few requests as the store allows. Missing keys are not errors.
   *
   * @return the keys that could not be deleted, each with the reason; empty when all succeeded
   */
  BatchDeleteResult deleteAll(Collection<String> keys);

  /** Multi-part assembly, when the store has it ({@link Capability#MULTIPART_UPLOAD}). */
  default Optional<MultipartUploads> multipart() {
    return Optional.empty();
  }

  /** Server-side copy, when the store has it ({@link Capability#SERVER_SIDE_COPY}). */
  default Optional<ServerSideCopy> serverSideCopy() {
    return Optional.empty();
  }

  /** Reads the whole listing of a prefix page by page, lazily. */
  default Iterable<ObjectInfo> listAll(String prefix) {
    return () ->
        new Iterator<>() {
          private ListPage page = list(ListRequest.of(prefix));
          private int next;

          @Override
          public boolean hasNext() {
            while (next >= page.objects().size() && page.nextPageToken() != null) {
              page = list(ListRequest.of(prefix).withPageToken(page.nextPageToken()));
              next = 0;
            }
            return next < page.objects().size();
          }

          @Override
          public ObjectInfo next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.objects().get(next++);
          }
        };
  }

  /** The whole listing of a prefix as a list; for small prefixes and tests. */
  default List<ObjectInfo> listAllToList(String prefix) {
    List<ObjectInfo> all = new ArrayList<>();
    listAll(prefix).forEach(all::add);
    return all;
  }

  @Override
  void close();
}
