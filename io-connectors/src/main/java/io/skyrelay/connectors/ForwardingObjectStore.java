package io.skyrelay.connectors;

import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A store that passes every call to another one; a decorator overrides what it changes. Facets
 * ({@link #multipart()}, {@link #serverSideCopy()}) are the wrapped store's unless overridden, so a
 * decorator that changes how bytes travel must say what it offers of them.
 */
public abstract class ForwardingObjectStore implements ObjectStore {

  protected final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** The wrapped store. */
  public ObjectStore delegate() {
    return delegate;
  }

  @Override
  public StoreUri root() {
    return delegate.root();
  }

  @Override
  public ListPage list(ListRequest request) {
    return delegate.list(request);
  }

  @Override
  public Iterable<ObjectInfo> listAll(String prefix) {
    return delegate.listAll(prefix);
  }

  @Override
  public List<ObjectInfo> listAllToList(String prefix) {
    return delegate.listAllToList(prefix);
  }

  @Override
  public ObjectInfo head(String key) {
    return delegate.head(key);
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    return delegate.read(key, range, ifMatch);
  }

  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
    return delegate.open(key, range, ifMatch);
  }

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    return delegate.put(key, content, length, options);
  }

  @Override
  public void delete(String key) {
    delegate.delete(key);
  }

  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    return delegate.deleteAll(keys);
  }

  @Override
  public Optional<MultipartUploads> multipart() {
    return delegate.multipart();
  }

  @Override
  public Optional<ConditionalDelete> conditionalDelete() {
    return delegate.conditionalDelete();
  }

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return delegate.serverSideCopy();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
