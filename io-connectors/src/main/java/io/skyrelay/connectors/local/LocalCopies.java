package io.skyrelay.connectors.local;

import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Whole-object copies between local stores: the bytes are read from the source file and written
 * through the target store's {@code put}, so the copy is as atomic as any write and gets its own
 * metadata record.
 */
final class LocalCopies implements ServerSideCopy {

  private final LocalObjectStore store;

  LocalCopies(LocalObjectStore store) {
    this.store = store;
  }

  @Override
  public boolean canCopyFrom(ObjectStore source) {
    return source instanceof LocalObjectStore;
  }

  @Override
  public long maxCopySize() {
    return Long.MAX_VALUE;
  }

  @Override
  public WriteResult copy(
      ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> extraMetadata) {
    ObjectInfo src = source.head(sourceKey);
    Map<String, String> md = new HashMap<>(src.metadata());
    if (extraMetadata != null) {
      md.putAll(extraMetadata);
    }
    try (InputStream in = source.read(sourceKey, null, ifMatch)) {
      return store.put(targetKey, in, src.size(), PutOptions.of(src.contentType(), md));
    } catch (IOException e) {
      throw LocalObjectStore.translate("copying " + sourceKey + " to " + targetKey, e);
    }
  }
}
