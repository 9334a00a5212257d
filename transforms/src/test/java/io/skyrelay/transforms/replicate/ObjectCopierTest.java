package io.skyrelay.transforms.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ForwardingObjectStore;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectCopierTest {

  @TempDir Path tmp;

  private static StoreLocation location(Path dir) {
    return new StoreLocation(
        StoreUri.parse(dir.toUri().toString()), StoreSettings.EMPTY, "local:test");
  }

  /** A copier from the store in folder "a" to the one in folder "b". */
  private ObjectCopier copier(ObjectStore src, ObjectStore dst, boolean serverSide) {
    return new ObjectCopier(
        src, location(tmp.resolve("a")), dst, location(tmp.resolve("b")), serverSide);
  }

  /** Writes {@code data} as "k" with a content type and one metadata entry. */
  private static WriteResult putWithMetadata(LocalObjectStore store, byte[] data) {
    return store.put(
        "k",
        new ByteArrayInputStream(data),
        data.length,
        PutOptions.of("text/plain", Map.of("m", "1")));
  }

  @Test
  void copiesBytesMetadataAndRecordsTheSourceEtag() throws IOException {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    byte[] data = "hello replica".getBytes();
    WriteResult w = putWithMetadata(src, data);
    ObjectCopier copier = copier(src, dst, false);
    ObjectEntry entry = ObjectEntry.of(src.head("k"), "");
    assertEquals("streamed", copier.copyWhole(entry).method());
    ObjectInfo copy = dst.head("k");
    assertEquals("text/plain", copy.contentType());
    assertEquals(Map.of("m", "1", ObjectCopier.SOURCE_ETAG, w.etag()), copy.metadata());
    try (InputStream in = dst.read("k", null, null)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void aCopierWithoutMetadataWritesTheBytesAndOnlyTheSourceEtag() throws IOException {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    byte[] data = "no metadata please".getBytes();
    WriteResult w = putWithMetadata(src, data);
    // server-side copy allowed, and local disk could copy server-side: it would keep the metadata
    ObjectCopier copier = copier(src, dst, true).withoutMetadata();
    assertEquals("streamed", copier.copyWhole(ObjectEntry.of(src.head("k"), "")).method());
    ObjectInfo copy = dst.head("k");
    assertEquals(Map.of(ObjectCopier.SOURCE_ETAG, w.etag()), copy.metadata());
    assertEquals(null, copy.contentType());
    try (InputStream in = dst.read("k", null, null)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void aServerSideCopyOfAnObjectWhoseEtagIsItsMd5KeepsThatEtagAndTheMetadata() throws IOException {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    byte[] data = "copied inside the store".getBytes();
    WriteResult w = putWithMetadata(src, data);
    ObjectCopier copier = copier(src, dst, true);
    ObjectEntry entry = ObjectEntry.of(src.head("k"), "");
    assertEquals(entry.etag, entry.md5, "local disk's ETag is the MD5 of the content");
    assertEquals("server-side", copier.copyWhole(entry).method());
    ObjectInfo copy = dst.head("k");
    assertEquals(w.etag(), copy.etag(), "the source ETag is the replica's own");
    assertEquals("text/plain", copy.contentType());
    assertEquals(Map.of("m", "1"), copy.metadata());
    try (InputStream in = dst.read("k", null, null)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void aSourceChangedSinceListingIsNotCopied() {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    src.put("k", new ByteArrayInputStream(new byte[] {1, 2}), 2, PutOptions.DEFAULT);
    ObjectEntry listed = ObjectEntry.of(src.head("k"), "");
    src.put("k", new ByteArrayInputStream(new byte[] {3, 4}), 2, PutOptions.DEFAULT);
    ObjectCopier copier = copier(src, dst, true);
    assertThrows(PreconditionFailedException.class, () -> copier.copyWhole(listed));
    assertEquals(0, dst.listAllToList("").size());
  }

  @Test
  void bytesCorruptedOnTheWayAreRefusedByADestinationThatChecksTheListedMd5() {
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    StoreException e =
        assertThrows(
            StoreException.class, () -> copyThrough(new CorruptingStore(dst, Damage.ON_WRITE)));
    assertTrue(e.getMessage().contains("MD5"), e.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> dst.head("k"), "damaged bytes were stored");
  }

  @Test
  void bytesCorruptedOnTheWayAreDetectedWhereTheDestinationChecksNothing() {
    ObjectCopier.VerificationException e =
        assertThrows(
            ObjectCopier.VerificationException.class,
            () ->
                copyThrough(
                    new CorruptingStore(
                        new LocalObjectStore(tmp.resolve("b")), Damage.ON_WRITE_FORGETTING_MD5)));
    assertTrue(e.getMessage().contains("MD5"), e.getMessage());
    assertThrows(
        ObjectNotFoundException.class,
        () -> new LocalObjectStore(tmp.resolve("b")).head("k"),
        "the damaged copy was left in place");
  }

  @Test
  void aListedMd5ThatTheReadDoesNotConfirmIsNotPromised() throws IOException {
    // S3 objects encrypted with SSE-KMS or SSE-C list with an ETag shaped like an MD5 that is not
    // one; only the GET says so. Promising it would make every copy of them fail.
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    byte[] data = "encrypted at rest".getBytes();
    WriteResult w = putWithMetadata(src, data);
    ObjectEntry listed =
        new ObjectEntry("k", data.length, w.etag(), "0123456789abcdef0123456789abcdef", 0);
    copier(src, dst, false).copyWhole(listed);
    try (InputStream in = dst.read("k", null, null)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void bytesCorruptedOnTheWayFromTheSourceAreRefusedByALocalDestination() {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    byte[] data = new byte[10_000];
    new java.util.Random(2).nextBytes(data);
    src.put("k", new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    ObjectCopier copier = copier(new CorruptingStore(src, Damage.ON_READ), dst, false);
    StoreException e =
        assertThrows(
            StoreException.class, () -> copier.copyWhole(ObjectEntry.of(src.head("k"), "")));
    assertTrue(e.getMessage().contains("MD5"), e.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> dst.head("k"), "damaged bytes were stored");
  }

  @Test
  void bytesCorruptedOnTheWayFromTheSourceOfAChangeEventAreRefusedByALocalDestination() {
    // The sync job copies what an event names: its ETag, no listed MD5. The read, conditional on
    // that ETag, says it is the content's MD5; the bytes that arrive must have it.
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    byte[] data = new byte[10_000];
    new java.util.Random(3).nextBytes(data);
    WriteResult w = src.put("k", new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("b"));
    ObjectCopier copier = copier(new CorruptingStore(src, Damage.ON_READ), dst, false);
    ObjectEntry fromEvent = new ObjectEntry("k", data.length, w.etag(), null, 0);
    StoreException e = assertThrows(StoreException.class, () -> copier.copyWhole(fromEvent));
    assertTrue(e.getMessage().contains("MD5"), e.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> dst.head("k"), "damaged bytes were stored");
    // undamaged, the same entry copies
    copier(src, dst, false).copyWhole(fromEvent);
    assertEquals(w.etag(), dst.head("k").etag());
  }

  private void copyThrough(ObjectStore destination) {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("a"));
    byte[] data = new byte[10_000];
    new java.util.Random(1).nextBytes(data);
    src.put("k", new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    copier(src, destination, false).copyWhole(ObjectEntry.of(src.head("k"), ""));
  }

  /** Where {@link CorruptingStore} flips a bit. */
  enum Damage {
    /** in what is written to it */
    ON_WRITE,
    /**
     * in what is written to it, and it drops the MD5 promised with the body, as a store that cannot
     * check one does
     */
    ON_WRITE_FORGETTING_MD5,
    /** in what is read from it */
    ON_READ
  }

  /** A store that flips one bit of the bytes passing through it, on their way in or out. */
  static final class CorruptingStore extends ForwardingObjectStore {
    private final Damage damage;

    CorruptingStore(ObjectStore delegate, Damage damage) {
      super(delegate);
      this.damage = damage;
    }

    private static InputStream flipped(InputStream content) {
      return new FilterInputStream(content) {
        long pos;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0 && pos <= 100 && pos + n > 100) {
            b[off + (int) (100 - pos)] ^= 1;
          }
          pos += Math.max(n, 0);
          return n;
        }
      };
    }

    @Override
    public WriteResult put(String key, InputStream content, long length, PutOptions options) {
      if (damage == Damage.ON_READ) {
        return delegate.put(key, content, length, options);
      }
      return delegate.put(
          key,
          flipped(content),
          length,
          damage == Damage.ON_WRITE_FORGETTING_MD5 ? options.withMd5(null) : options);
    }

    @Override
    public InputStream read(String key, ByteRange range, String ifMatch) {
      InputStream in = delegate.read(key, range, ifMatch);
      return damage == Damage.ON_READ ? flipped(in) : in;
    }

    @Override
    public ObjectContent open(String key, ByteRange range, String ifMatch) {
      ObjectContent content = delegate.open(key, range, ifMatch);
      return damage == Damage.ON_READ
          ? new ObjectContent(content.info(), flipped(content.stream()))
          : content;
    }
  }
}
