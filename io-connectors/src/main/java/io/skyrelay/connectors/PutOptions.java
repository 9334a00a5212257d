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
 */
public record PutOptions(String contentType, Map<String, String> metadata, boolean ifNoneMatch)
    implements Serializable {

  public static final PutOptions DEFAULT = new PutOptions(null, Map.of(), false);

  public PutOptions {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  public static PutOptions of(String contentType, Map<String, String> metadata) {
    return new PutOptions(contentType, metadata, false);
  }

  public PutOptions withIfNoneMatch() {
    return new PutOptions(contentType, metadata, true);
  }
}
