package io.skyrelay.transforms.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.ForwardingObjectStore;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copier's verification of streamed copies into S3, against the S3 connector and an in-process
 * S3 server: what it checks must not depend on what the destination happens to report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObjectCopierS3Test {

  private S3ProxyServer server;
  private ObjectStore src;
  private ObjectStore dst;

  @TempDir Path tmp;

  @BeforeAll
  void start() throws Exception {
    server = S3ProxyServer.startInMemory();
    server.createBucket("copier-src");
    server.createBucket("copier-dst");
    src = ObjectStores.open("s3://copier-src", server.settings());
    dst = ObjectStores.open("s3://copier-dst", server.settings());
  }

  @AfterAll
  void stop() {
    src.close();
    dst.close();
    server.close();
  }

  private StoreLocation location(String uri) {
    return new StoreLocation(StoreUri.parse(uri), server.settings(), "local:test");
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String md5Hex(byte[] data) {
    return HexFormat.of().formatHex(Digests.md5().digest(data));
  }

  /** Writes {@code data} to {@code key} of the source as a two-part multipart upload. */
  private ObjectInfo putMultipart(String key, byte[] data) {
    MultipartUploads mp = src.multipart().orElseThrow();
    int first = (int) mp.partLimits().minPartSize();
    UploadHandle h = mp.begin(key, PutOptions.DEFAULT);
    CompletedPart p1 = mp.uploadPart(h, 1, new ByteArrayInputStream(data, 0, first), first);
    CompletedPart p2 =
        mp.uploadPart(
            h, 2, new ByteArrayInputStream(data, first, data.length - first), data.length - first);
    mp.complete(h, List.of(p1, p2));
    return src.head(key);
  }

  /** {@code store}, with one bit of what is written flipped after the copier hashed it. */
  private static ObjectStore damaged(ObjectStore store) {
    return new ObjectCopierTest.CorruptingStore(store, ObjectCopierTest.Damage.ON_WRITE);
  }

  private ObjectCopier copier(ObjectStore from, ObjectStore to) {
    return new ObjectCopier(
        from, location("s3://copier-src"), to, location("s3://copier-dst"), false);
  }

  private byte[] readAll(ObjectStore store, String key) throws IOException {
    try (InputStream in = store.read(key, null, null)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aStreamedCopyOfAMultipartSourceIsCheckedAgainstTheMd5OfTheBytesSent() throws IOException {
    String key = "multipart-" + UUID.randomUUID();
    byte[] data = random(6 * 1024 * 1024 + 123, 1);
    ObjectInfo listed = putMultipart(key, data);
    assertNull(listed.md5(), "a multipart upload's ETag is not an MD5: " + listed.etag());

    // Damaged between this worker and S3: S3 stores other bytes than those hashed here.
    ObjectCopier.VerificationException e =
        assertThrows(
            ObjectCopier.VerificationException.class,
            () -> copier(src, damaged(dst)).copyWhole(ObjectEntry.of(listed, "")));
    assertTrue(e.getMessage().contains("MD5"), e.getMessage());
    assertThrows(
        ObjectNotFoundException.class, () -> dst.head(key), "the damaged copy was left in place");

    // Undamaged, the same copy is verified and the bytes are equal.
    assertEquals("streamed", copier(src, dst).copyWhole(ObjectEntry.of(listed, "")).method());
    assertArrayEquals(data, readAll(dst, key));
    assertEquals(md5Hex(data), dst.head(key).md5());
  }

  @Test
  void bytesDamagedOnTheWayIntoS3AreRefusedWhenTheSourceListsAnMd5() {
    String key = "single-" + UUID.randomUUID();
    byte[] data = random(200_000, 2);
    src.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    ObjectInfo listed = src.head(key);
    assertEquals(md5Hex(data), listed.md5());
    assertThrows(
        RuntimeException.class,
        () -> copier(src, damaged(dst)).copyWhole(ObjectEntry.of(listed, "")));
    assertThrows(ObjectNotFoundException.class, () -> dst.head(key), "damaged bytes were stored");
  }

  @Test
  void aDestinationWhoseEtagsAreNotMd5sGetsAVerifiedCopyAndNoFalseError() throws IOException {
    // Into a bucket encrypted with SSE-KMS, S3's ETags are not the MD5 of the content (and the S3
    // connector reports no MD5 for them): the copy is checked by the MD5 sent with the body and by
    // size, not by comparing the ETag with the source's MD5.
    LocalObjectStore local = new LocalObjectStore(tmp.resolve("local"));
    String key = "to-kms-" + UUID.randomUUID();
    byte[] data = random(20_000, 3);
    local.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    ObjectInfo listed = local.head(key);
    assertEquals(md5Hex(data), listed.md5());

    KmsLikeStore kms = new KmsLikeStore(dst);
    ObjectCopier copier =
        new ObjectCopier(
            local,
            new StoreLocation(
                StoreUri.parse(tmp.resolve("local").toUri().toString()),
                io.skyrelay.connectors.StoreSettings.EMPTY,
                "local:test"),
            kms,
            location("s3://copier-dst"),
            false);
    assertEquals("streamed", copier.copyWhole(ObjectEntry.of(listed, "")).method());
    ObjectInfo copy = kms.head(key);
    assertNull(copy.md5());
    assertTrue(!md5Hex(data).equals(copy.etag()), "the imitation's ETag must not be the MD5");
    assertArrayEquals(data, readAll(dst, key));

    // The same copy with bytes damaged on the way is refused: the MD5 sent with the body is the
    // source's, which S3 checks.
    String damagedKey = key + "-damaged";
    local.put(damagedKey, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    assertThrows(
        RuntimeException.class,
        () ->
            new ObjectCopier(
                    local,
                    new StoreLocation(
                        StoreUri.parse(tmp.resolve("local").toUri().toString()),
                        io.skyrelay.connectors.StoreSettings.EMPTY,
                        "local:test"),
                    new KmsLikeStore(damaged(dst)),
                    location("s3://copier-dst"),
                    false)
                .copyWhole(ObjectEntry.of(local.head(damagedKey), "")));
    assertThrows(ObjectNotFoundException.class, () -> dst.head(damagedKey));
  }

  /**
   * S3 with SSE-KMS as the S3 connector sees it: ETags shaped like MD5s that are not the MD5 of the
   * content, and no MD5 reported. Conditional reads take the imitation's ETags.
   */
  static final class KmsLikeStore extends ForwardingObjectStore {
    private final Map<String, String> realByFake = new ConcurrentHashMap<>();

    KmsLikeStore(ObjectStore delegate) {
      super(delegate);
    }

    private String fake(String real) {
      String f =
          HexFormat.of()
              .formatHex(Digests.md5().digest(("kms:" + real).getBytes(StandardCharsets.UTF_8)));
      realByFake.put(f, real);
      return f;
    }

    private ObjectInfo encrypted(ObjectInfo i) {
      return new ObjectInfo(
          i.key(),
          i.size(),
          fake(i.etag()),
          i.lastModified(),
          null,
          i.contentType(),
          i.metadata(),
          i.storageClass());
    }

    @Override
    public ObjectInfo head(String key) {
      return encrypted(delegate.head(key));
    }

    @Override
    public ListPage list(ListRequest request) {
      ListPage page = delegate.list(request);
      return new ListPage(
          page.objects().stream().map(this::encrypted).toList(),
          page.commonPrefixes(),
          page.nextPageToken());
    }

    @Override
    public InputStream read(String key, ByteRange range, String ifMatch) {
      return delegate.read(
          key, range, ifMatch == null ? null : realByFake.getOrDefault(ifMatch, ifMatch));
    }

    @Override
    public ObjectContent open(String key, ByteRange range, String ifMatch) {
      ObjectContent c =
          delegate.open(
              key, range, ifMatch == null ? null : realByFake.getOrDefault(ifMatch, ifMatch));
      return new ObjectContent(encrypted(c.info()), c.stream());
    }

    @Override
    public WriteResult put(String key, InputStream content, long length, PutOptions options) {
      WriteResult w = delegate.put(key, content, length, options);
      return new WriteResult(w.key(), w.size(), fake(w.etag()));
    }
  }
}
