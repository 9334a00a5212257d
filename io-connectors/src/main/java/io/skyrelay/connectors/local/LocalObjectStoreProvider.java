package io.skyrelay.connectors.local;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreProvider;
import io.skyrelay.connectors.StoreSetting;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.nio.file.Path;
import java.util.List;

/** Registers the local-disk connector for {@code file://} URIs. */
public final class LocalObjectStoreProvider implements ObjectStoreProvider {

  @Override
  public String scheme() {
    return "file";
  }

  /** None: the folder is the whole configuration. */
  @Override
  public List<StoreSetting> settings() {
    return List.of();
  }

  @Override
  public ObjectStore open(StoreUri uri, StoreSettings settings) {
    return new LocalObjectStore(Path.of(uri.container()));
  }
}
