package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.util.Collection;

/** Passes every call to another store; test stores override what they imitate. */
abstract class ForwardingStore implements ObjectStore {
  final ObjectStore inner;

  ForwardingStore(ObjectStore inner) {
    this.inner = inner;
  }

  @Override
  public StoreUri root() {
    return inner.root();
  }

  @Override
  public ListPage list(ListRequest request) {
    return inner.list(request);
  }

  @Override
  public ObjectInfo head(String key) {
    return inner.head(key);
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    return inner.read(key, range, ifMatch);
  }

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    return inner.put(key, content, length, options);
  }

  @Override
  public void delete(String key) {
    inner.delete(key);
  }

  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    return inner.deleteAll(keys);
  }

  @Override
  public void close() {}
}
