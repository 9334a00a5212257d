package io.skyrelay.connectors;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of a store under a key prefix, seen as a store of its own: key {@code k} here is key
 * {@code prefix + k} of the wrapped store, and nothing outside the prefix is read, listed or
 * written. This is how a location such as {@code s3://bucket/copies/} is used where a whole store
 * is expected.
 *
 * <p>Every key given to an operation, including those in upload handles and the source key of a
 * copy from another prefixed store, is prefixed before it reaches the wrapped store; every key and
 * common prefix the wrapped store returns is given back without the prefix. Page tokens are the
 * wrapped store's own and pass through unchanged.
 */
public final class PrefixedObjectStore extends ForwardingObjectStore {

  private final String prefix;

  /**
   * The objects of {@code delegate} whose keys start with {@code prefix}; a prefix meant as a
   * folder ends with {@code /}.
   */
  public PrefixedObjectStore(ObjectStore delegate, String prefix) {
    super(delegate);
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("a prefixed store needs a non-empty prefix");
    }
    this.prefix = prefix;
  }

  /**
   * {@code store} under {@code prefix}, or {@code store} itself when the prefix is empty (or {@code
   * null}).
   */
  public static ObjectStore under(ObjectStore store, String prefix) {
    return prefix == null || prefix.isEmpty() ? store : new PrefixedObjectStore(store, prefix);
  }

  /** The prefix every key of this store has in the wrapped store. */
  public String prefix() {
    return prefix;
  }

  @Override
  public ListPage list(ListRequest request) {
    ListPage page =
        delegate.list(
            new ListRequest(
                prefix + request.prefix(),
                request.delimiter(),
                request.pageToken(),
                request.maxKeys(),
                request.startAfter() == null ? null : prefix + request.startAfter()));
    List<ObjectInfo> objects = new ArrayList<>(page.objects().size());
    for (ObjectInfo o : page.objects()) {
      objects.add(strip(o));
    }
    List<String> common = new ArrayList<>(page.commonPrefixes().size());
    for (String c : page.commonPrefixes()) {
      common.add(strip(c));
    }
    return new ListPage(objects, common, page.nextPageToken());
  }

  @Override
  public Iterable<ObjectInfo> listAll(String listPrefix) {
    Iterable<ObjectInfo> all = delegate.listAll(prefix + listPrefix);
    return () ->
        new Iterator<>() {
          private final Iterator<ObjectInfo> it = all.iterator();

          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public ObjectInfo next() {
            return strip(it.next());
          }
        };
  }

  @Override
  public List<ObjectInfo> listAllToList(String listPrefix) {
    List<ObjectInfo> all = new ArrayList<>();
    listAll(listPrefix).forEach(all::add);
    return all;
  }

  @Override
  public ObjectInfo head(String key) {
    return strip(delegate.head(prefix + key));
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    return delegate.read(prefix + key, range, ifMatch);
  }

  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
    ObjectContent content = delegate.open(prefix + key, range, ifMatch);
    return new ObjectContent(strip(content.info()), content.stream());
  }

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    return strip(delegate.put(prefix + key, content, length, options));
  }

  @Override
  public void delete(String key) {
    delegate.delete(prefix + key);
  }

  @Override
  public Optional<ConditionalDelete> conditionalDelete() {
    return delegate
        .conditionalDelete()
        .map(d -> (ConditionalDelete) (key, etag) -> d.deleteIfMatch(prefix + key, etag));
  }

  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    List<String> full = new ArrayList<>(keys.size());
    for (String k : keys) {
      full.add(prefix + k);
    }
    BatchDeleteResult result = delegate.deleteAll(full);
    Map<String, String> failed = new LinkedHashMap<>();
    result.failed().forEach((k, why) -> failed.put(strip(k), why));
    return new BatchDeleteResult(result.deleted(), failed);
  }

  @Override
  public Optional<MultipartUploads> multipart() {
    return delegate.multipart().map(PrefixedUploads::new);
  }

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return delegate.serverSideCopy().map(PrefixedCopy::new);
  }

  @Override
  public String toString() {
    return delegate + " under " + prefix;
  }

  /** The store a copy source really is: a prefixed store's wrapped one. */
  private static ObjectStore unwrap(ObjectStore source) {
    return source instanceof PrefixedObjectStore p ? p.delegate : source;
  }

  /** A copy source's key in the store {@link #unwrap} gives. */
  private static String keyIn(ObjectStore source, String key) {
    return source instanceof PrefixedObjectStore p ? p.prefix + key : key;
  }

  private String strip(String key) {
    if (!key.startsWith(prefix)) {
      throw new StoreException(
          "the store returned " + key + ", outside the prefix " + prefix + " it was asked about");
    }
    return key.substring(prefix.length());
  }

  private ObjectInfo strip(ObjectInfo o) {
    return new ObjectInfo(
        strip(o.key()),
        o.size(),
        o.etag(),
        o.lastModified(),
        o.md5(),
        o.contentType(),
        o.metadata(),
        o.storageClass());
  }

  private WriteResult strip(WriteResult w) {
    return new WriteResult(strip(w.key()), w.size(), w.etag());
  }

  private UploadHandle full(UploadHandle h) {
    return new UploadHandle(prefix + h.key(), h.uploadId(), h.options());
  }

  private UploadHandle strip(UploadHandle h) {
    return new UploadHandle(strip(h.key()), h.uploadId(), h.options());
  }

  /** The wrapped store's uploads, with the keys of handles prefixed on the way in. */
  private final class PrefixedUploads implements MultipartUploads {
    private final MultipartUploads uploads;

    PrefixedUploads(MultipartUploads uploads) {
      this.uploads = uploads;
    }

    @Override
    public PartLimits partLimits() {
      return uploads.partLimits();
    }

    @Override
    public UploadHandle begin(String key, PutOptions options) {
      return strip(uploads.begin(prefix + key, options));
    }

    @Override
    public CompletedPart uploadPart(
        UploadHandle upload, int partNumber, InputStream content, long length) {
      return uploads.uploadPart(full(upload), partNumber, content, length);
    }

    @Override
    public boolean canCopyPartFrom(ObjectStore source) {
      return uploads.canCopyPartFrom(unwrap(source));
    }

    @Override
    public CompletedPart copyPart(
        UploadHandle upload,
        int partNumber,
        ObjectStore source,
        String sourceKey,
        ByteRange range,
        String ifMatch) {
      return uploads.copyPart(
          full(upload), partNumber, unwrap(source), keyIn(source, sourceKey), range, ifMatch);
    }

    @Override
    public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
      return strip(uploads.complete(full(upload), parts));
    }

    @Override
    public void abort(UploadHandle upload) {
      uploads.abort(full(upload));
    }

    @Override
    public List<UploadHandle> listPending(String pendingPrefix) {
      List<UploadHandle> pending = new ArrayList<>();
      for (UploadHandle h : uploads.listPending(prefix + pendingPrefix)) {
        pending.add(strip(h));
      }
      return pending;
    }
  }

  /** The wrapped store's server-side copy, with source and target keys prefixed. */
  private final class PrefixedCopy implements ServerSideCopy {
    private final ServerSideCopy copy;

    PrefixedCopy(ServerSideCopy copy) {
      this.copy = copy;
    }

    @Override
    public boolean canCopyFrom(ObjectStore source) {
      return copy.canCopyFrom(unwrap(source));
    }

    @Override
    public long maxCopySize() {
      return copy.maxCopySize();
    }

    @Override
    public WriteResult copy(
        ObjectStore source,
        String sourceKey,
        String targetKey,
        String ifMatch,
        Map<String, String> extraMetadata) {
      return strip(
          copy.copy(
              unwrap(source),
              keyIn(source, sourceKey),
              prefix + targetKey,
              ifMatch,
              extraMetadata));
    }
  }
}
