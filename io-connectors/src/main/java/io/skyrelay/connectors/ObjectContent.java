package io.skyrelay.connectors;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open object: what the store reported about it together with a stream of its bytes, both from
 * the same version of the object.
 */
public record ObjectContent(ObjectInfo info, InputStream stream) implements AutoCloseable {

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
