package io.skyrelay.transforms.values;

import io.skyrelay.connectors.ObjectInfo;
import java.util.Objects;
import org.apache.avro.reflect.Nullable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/**
 * One object of a listing, and one record of a manifest file. {@code key} is relative to the listed
 * location's prefix, so listings of a source and its replicas line up key by key.
 */
@DefaultCoder(AvroCoder.class)
public class ObjectEntry {
  public String key;
  public long size;
  @Nullable public String etag;
  @Nullable public String md5;
  public long lastModifiedMillis;

  public ObjectEntry() {}

  public ObjectEntry(String key, long size, String etag, String md5, long lastModifiedMillis) {
    this.key = key;
    this.size = size;
    this.etag = etag;
    this.md5 = md5;
    this.lastModifiedMillis = lastModifiedMillis;
  }

  /** The entry of {@code info}, with its key made relative to {@code prefix}. */
  public static ObjectEntry of(ObjectInfo info, String prefix) {
    return new ObjectEntry(
        info.key().substring(prefix.length()),
        info.size(),
        info.etag(),
        info.md5(),
        info.lastModified() == null ? 0 : info.lastModified().toEpochMilli());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectEntry e
        && e.key.equals(key)
        && e.size == size
        && Objects.equals(e.etag, etag)
        && Objects.equals(e.md5, md5)
        && e.lastModifiedMillis == lastModifiedMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, size, etag);
  }

  @Override
  public String toString() {
    return key + " (" + size + " B, etag " + etag + ")";
  }
}
