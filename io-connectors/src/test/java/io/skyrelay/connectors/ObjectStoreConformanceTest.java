package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every {@link ObjectStore} connector must have, run against a real server of each
 * store. A subclass opens the store (one container, shared by the tests of the class; every test
 * works under its own random prefix) and, where the server it runs against cannot do something the
 * real store can, names that gap in {@link #serverGap}: the affected test is then reported as
 * skipped with that reason, never as passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ObjectStoreConformanceTest {

  /** Things a test server may be unable to do although the real store can. */
  protected enum Feature {
    PAGED_LISTING,
    MULTIPART,
    PART_COPY,
    SERVER_SIDE_COPY,
    CONDITIONAL_READ,
    CONDITIONAL_CREATE,
    /** Heads report the MD5 of objects written in one request. */
    CONTENT_MD5,
    /**
     * A ranged read whose range runs past the end of the object returns the bytes up to the end.
     */
    RANGE_PAST_END,
    /** Keys holding URL syntax ({@code %}, {@code ?}, {@code #}) are stored and read exactly. */
    URL_SYNTAX_IN_KEYS,
    /** An upload that is never finished leaves nothing visible. */
    UNFINISHED_UPLOAD_INVISIBLE
  }

  protected ObjectStore store;
  protected String base;

  /** Opens the store under test, against a server started by the subclass. */
  protected abstract ObjectStore openStore() throws Exception;

  /** Stops what {@link #openStore} started. */
  protected void stopServer() throws Exception {}

  /** Why the server under test cannot exercise {@code feature}, or empty when it can. */
  protected Optional<String> serverGap(Feature feature) {
    return Optional.empty();
  }

  @BeforeAll
  void openOnce() throws Exception {
    store = openStore();
  }

  @AfterAll
  void closeOnce() throws Exception {
    if (store != null) {
      store.close();
    }
    stopServer();
  }

  @BeforeEach
  void freshPrefix() {
    base = "conformance-" + UUID.randomUUID().toString().substring(0, 8) + "/";
  }

  // ---- helpers ------------------------------------------------------------------------------

  protected static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  protected WriteResult put(String key, byte[] data) {
    return store.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
  }

  protected byte[] read(String key, ByteRange range, String ifMatch) {
    try (InputStream in = store.read(key, range, ifMatch)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected byte[] readAll(String key) {
    return read(key, null, null);
  }

  protected static String md5Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void require(Feature feature, Capability capability) {
    assumeTrue(
        capability == null || Capability.of(store).contains(capability),
        () -> "connector does not implement " + capability);
    serverGap(feature)
        .ifPresent(reason -> assumeTrue(false, "not exercised on this test server: " + reason));
  }

  private List<String> keys(List<ObjectInfo> objects) {
    return objects.stream().map(ObjectInfo::key).toList();
  }

  // ---- tests --------------------------------------------------------------------------------

  @Test
  void aBodyThatIsNotThePromisedMd5IsRefusedAndNothingIsWritten() {
    require(Feature.UNFINISHED_UPLOAD_INVISIBLE, null);
    byte[] data = randomBytes(3000, 21);
    String key = base + "promised-md5";
    PutOptions wrong = PutOptions.DEFAULT.withMd5(md5Hex(randomBytes(3000, 22)));
    StoreException e =
        assertThrows(
            StoreException.class,
            () -> store.put(key, new ByteArrayInputStream(data), data.length, wrong));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertThrows(
        ObjectNotFoundException.class, () -> store.head(key), "a refused body was written");

    PutOptions right = PutOptions.DEFAULT.withMd5(md5Hex(data));
    store.put(key, new ByteArrayInputStream(data), data.length, right);
    assertArrayEquals(data, readAll(key));
  }

  @Test
  void putThenHeadListAndReadReturnTheSameObject() {
    byte[] data = randomBytes(10_000, 1);
    String key = base + "plain.bin";
    WriteResult w = put(key, data);
    assertEquals(data.length, w.size());
    assertNotNull(w.etag());

    ObjectInfo head = store.head(key);
    assertEquals(key, head.key());
    assertEquals(data.length, head.size());
    assertEquals(w.etag(), head.etag());
    assertNotNull(head.lastModified());

    List<ObjectInfo> listed = store.listAllToList(base);
    assertEquals(List.of(key), keys(listed));
    assertEquals(data.length, listed.get(0).size());
    assertEquals(head.etag(), listed.get(0).etag());
    assertNotNull(listed.get(0).lastModified());
    assertArrayEquals(data, readAll(key));
  }

  @Test
  void aPutReadsEveryByteItStoresThroughTheStreamItIsGiven() {
    // A copier hashes the stream it hands to put and checks the store against that digest; a
    // connector that read around the stream, or stored bytes it did not read from it, would make
    // that check meaningless.
    byte[] data = randomBytes(300_000, 5);
    String key = base + "hashed.bin";
    HashingInputStream sent = HashingInputStream.of(new ByteArrayInputStream(data));
    store.put(key, sent, data.length, PutOptions.DEFAULT);
    assertEquals(data.length, sent.count());
    assertEquals(md5Hex(data), sent.md5Hex());
    assertArrayEquals(data, readAll(key));
  }

  @Test
  void headsReportTheMd5OfObjectsWrittenInOneRequest() {
    require(Feature.CONTENT_MD5, null);
    byte[] data = randomBytes(10_000, 2);
    String key = base + "md5.bin";
    put(key, data);
    assertEquals(md5Hex(data), store.head(key).md5());
  }

  @Test
  void metadataAndContentTypeRoundTrip() {
    String key = base + "with-meta.json";
    Map<String, String> md = Map.of("source-etag", "abc123", "owner", "team-data", "x", "1");
    byte[] data = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    store.put(
        key, new ByteArrayInputStream(data), data.length, PutOptions.of("application/json", md));
    ObjectInfo head = store.head(key);
    assertEquals("application/json", head.contentType());
    assertEquals(md, head.metadata());
  }

  @Test
  void openReturnsTheMetadataAndBytesOfOneVersion() throws IOException {
    String key = base + "opened.txt";
    byte[] data = "opened with its metadata".getBytes(StandardCharsets.UTF_8);
    String etag =
        store
            .put(
                key,
                new ByteArrayInputStream(data),
                data.length,
                PutOptions.of("text/plain", Map.of("a", "b")))
            .etag();
    try (ObjectContent c = store.open(key, null, etag)) {
      assertEquals("text/plain", c.info().contentType());
      assertEquals(Map.of("a", "b"), c.info().metadata());
      assertEquals(data.length, c.info().size());
      assertArrayEquals(data, c.stream().readAllBytes());
    }
    put(key, "replaced".getBytes(StandardCharsets.UTF_8));
    assertThrows(PreconditionFailedException.class, () -> store.open(key, null, etag).close());
  }

  @Test
  void trickyKeysAreStoredListedAndReadExactly() {
    StringBuilder longKey = new StringBuilder(base + "long");
    while (longKey.toString().getBytes(StandardCharsets.UTF_8).length < 1010) {
      longKey.append("/segment-").append("x".repeat(180));
    }
    List<String> tricky =
        List.of(
            base + "with space/and more spaces.txt",
            base + "plus+sign+key",
            base + "unicode/caf\u00e9/\u65e5\u672c\u8a9e/\uD83D\uDE80.txt",
            base + "quote'and\"double",
            longKey.substring(0, 1010));
    assertTrue(tricky.get(tricky.size() - 1).getBytes(StandardCharsets.UTF_8).length >= 1000);
    int i = 0;
    for (String key : tricky) {
      put(key, ("content of " + i++).getBytes(StandardCharsets.UTF_8));
    }
    List<String> listed = keys(store.listAllToList(base));
    List<String> expected = new ArrayList<>(tricky);
    expected.sort(KeyOrder.COMPARATOR);
    assertEquals(expected, listed);
    i = 0;
    for (String key : tricky) {
      assertArrayEquals(("content of " + i++).getBytes(StandardCharsets.UTF_8), readAll(key));
      assertEquals(key, store.head(key).key());
    }
  }

  @Test
  void keysHoldingUrlSyntaxAreStoredListedAndReadExactly() {
    require(Feature.URL_SYNTAX_IN_KEYS, null);
    List<String> keys = List.of(base + "percent%20not%2Fdecoded%", base + "query?and#hash&amp=1");
    for (String key : keys) {
      put(key, key.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(keys, keys(store.listAllToList(base)));
    for (String key : keys) {
      assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), readAll(key));
      assertEquals(key, store.head(key).key());
    }
  }

  @Test
  void delimiterListingRollsUpNestedPrefixes() {
    for (String k : List.of("a.txt", "dir1/b.txt", "dir1/sub/c.txt", "dir2/d.txt", "e.txt")) {
      put(base + k, k.getBytes(StandardCharsets.UTF_8));
    }
    ListPage top = store.list(ListRequest.of(base).withDelimiter("/"));
    assertEquals(List.of(base + "a.txt", base + "e.txt"), keys(top.objects()));
    assertEquals(List.of(base + "dir1/", base + "dir2/"), top.commonPrefixes());
    assertNull(top.nextPageToken());

    ListPage dir1 = store.list(ListRequest.of(base + "dir1/").withDelimiter("/"));
    assertEquals(List.of(base + "dir1/b.txt"), keys(dir1.objects()));
    assertEquals(List.of(base + "dir1/sub/"), dir1.commonPrefixes());

    assertEquals(5, store.listAllToList(base).size());
    assertEquals(
        List.of(base + "dir1/b.txt", base + "dir1/sub/c.txt"),
        keys(store.listAllToList(base + "dir1/")));
    assertEquals(List.of(), store.listAllToList(base + "nothing-here/"));
  }

  @Test
  void listingOfMoreThanThreePagesReturnsEveryKeyOnceInOrder() {
    require(Feature.PAGED_LISTING, null);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 35; i++) {
      String key = base + String.format("page/obj-%03d", i);
      put(key, new byte[] {(byte) i});
      expected.add(key);
    }
    List<String> seen = new ArrayList<>();
    int pages = 0;
    String token = null;
    do {
      ListPage page =
          store.list(ListRequest.of(base + "page/").withMaxKeys(10).withPageToken(token));
      assertTrue(page.objects().size() <= 10, "page larger than maxKeys");
      seen.addAll(keys(page.objects()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);
    assertEquals(expected, seen);
    assertTrue(pages >= 4, "expected at least 4 pages, got " + pages);
  }

  @Test
  void zeroByteObjectsWork() {
    String key = base + "empty";
    put(key, new byte[0]);
    assertEquals(0, store.head(key).size());
    assertEquals(0, readAll(key).length);
    assertEquals(0, store.listAllToList(base).get(0).size());
  }

  @Test
  void objectsAroundTheFiveMebibytePartBoundaryRoundTrip() {
    int fiveMiB = 5 << 20;
    for (int size : new int[] {fiveMiB - 1, fiveMiB, fiveMiB + 1}) {
      byte[] data = randomBytes(size, size);
      String key = base + "boundary-" + size;
      put(key, data);
      assertEquals(size, store.head(key).size());
      assertArrayEquals(data, readAll(key));
    }
  }

  @Test
  void rangedReadsAtTheFirstAndLastByte() {
    byte[] data = randomBytes(100_000, 7);
    String key = base + "ranged";
    put(key, data);
    assertArrayEquals(new byte[] {data[0]}, read(key, new ByteRange(0, 0), null));
    assertArrayEquals(
        new byte[] {data[data.length - 1]},
        read(key, new ByteRange(data.length - 1, data.length - 1), null));
    byte[] middle = read(key, ByteRange.ofLength(1000, 5000), null);
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 6000), middle);
  }

  @Test
  void aRangeRunningPastTheEndIsCutAtTheEnd() {
    require(Feature.RANGE_PAST_END, null);
    byte[] data = randomBytes(1000, 8);
    String key = base + "ranged-past-end";
    put(key, data);
    // As in HTTP, the bytes up to the end and no more.
    assertArrayEquals(
        java.util.Arrays.copyOfRange(data, data.length - 10, data.length),
        read(key, new ByteRange(data.length - 10, data.length + 100), null));
  }

  @Test
  void multipartAssemblyOfPartsUploadedOutOfOrder() {
    require(Feature.MULTIPART, Capability.MULTIPART_UPLOAD);
    MultipartUploads mp = store.multipart().orElseThrow();
    int partSize = (int) Math.max(mp.partLimits().minPartSize(), 1 << 20);
    byte[] p1 = randomBytes(partSize, 11);
    byte[] p2 = randomBytes(partSize, 12);
    byte[] p3 = randomBytes(1234, 13);
    String key = base + "assembled.bin";
    UploadHandle h = mp.begin(key, PutOptions.of("application/octet-stream", Map.of("k", "v")));
    assertThrows(ObjectNotFoundException.class, () -> store.head(key), "visible before complete");
    List<CompletedPart> parts = new ArrayList<>();
    parts.add(mp.uploadPart(h, 3, new ByteArrayInputStream(p3), p3.length));
    parts.add(mp.uploadPart(h, 1, new ByteArrayInputStream(p1), p1.length));
    parts.add(mp.uploadPart(h, 2, new ByteArrayInputStream(p2), p2.length));
    assertThrows(ObjectNotFoundException.class, () -> store.head(key), "visible before complete");
    WriteResult w = mp.complete(h, parts);
    byte[] expected = new byte[p1.length + p2.length + p3.length];
    System.arraycopy(p1, 0, expected, 0, p1.length);
    System.arraycopy(p2, 0, expected, p1.length, p2.length);
    System.arraycopy(p3, 0, expected, p1.length + p2.length, p3.length);
    assertEquals(expected.length, w.size());
    assertArrayEquals(expected, readAll(key));
    ObjectInfo head = store.head(key);
    assertEquals(Map.of("k", "v"), head.metadata());
    assertEquals("application/octet-stream", head.contentType());
    assertFalse(
        mp.listPending(base).stream().anyMatch(u -> u.uploadId().equals(h.uploadId())),
        "a completed upload is no longer pending");
  }

  @Test
  void abortedUploadsLeaveNothingVisible() {
    require(Feature.MULTIPART, Capability.MULTIPART_UPLOAD);
    MultipartUploads mp = store.multipart().orElseThrow();
    String key = base + "aborted.bin";
    UploadHandle h = mp.begin(key, PutOptions.DEFAULT);
    byte[] p1 = randomBytes(1000, 3);
    mp.uploadPart(h, 1, new ByteArrayInputStream(p1), p1.length);
    mp.abort(h);
    mp.abort(h); // aborting twice is harmless
    assertThrows(ObjectNotFoundException.class, () -> store.head(key));
    assertEquals(List.of(), store.listAllToList(base));
  }

  @Test
  void partsCanBeCopiedServerSideFromByteRanges() {
    require(Feature.PART_COPY, Capability.PART_COPY);
    MultipartUploads mp = store.multipart().orElseThrow();
    assertTrue(mp.canCopyPartFrom(store));
    int partSize = (int) Math.max(mp.partLimits().minPartSize(), 1 << 20);
    byte[] data = randomBytes(partSize * 2 + 500, 21);
    String src = base + "copy-source.bin";
    String etag = put(src, data).etag();
    UploadHandle h = mp.begin(base + "copy-target.bin", PutOptions.DEFAULT);
    List<CompletedPart> parts = new ArrayList<>();
    parts.add(mp.copyPart(h, 2, store, src, ByteRange.ofLength(partSize, partSize), etag));
    parts.add(mp.copyPart(h, 1, store, src, ByteRange.ofLength(0, partSize), etag));
    parts.add(mp.copyPart(h, 3, store, src, ByteRange.ofLength(2L * partSize, 500), etag));
    mp.complete(h, parts);
    assertArrayEquals(data, readAll(base + "copy-target.bin"));

    put(src, randomBytes(data.length, 22)); // the source changes: copies with the old ETag fail
    UploadHandle h2 = mp.begin(base + "copy-target-2.bin", PutOptions.DEFAULT);
    assertThrows(
        PreconditionFailedException.class,
        () -> mp.copyPart(h2, 1, store, src, ByteRange.ofLength(0, partSize), etag));
    mp.abort(h2);
  }

  @Test
  void serverSideCopyKeepsBytesAndMetadata() {
    require(Feature.SERVER_SIDE_COPY, Capability.SERVER_SIDE_COPY);
    ServerSideCopy copier = store.serverSideCopy().orElseThrow();
    assertTrue(copier.canCopyFrom(store));
    byte[] data = randomBytes(50_000, 31);
    String src = base + "ssc-source";
    store.put(
        src,
        new ByteArrayInputStream(data),
        data.length,
        PutOptions.of("text/plain", Map.of("a", "1")));
    String etag = store.head(src).etag();
    copier.copy(store, src, base + "ssc-target", etag, Map.of("source-etag", etag));
    ObjectInfo copy = store.head(base + "ssc-target");
    assertArrayEquals(data, readAll(base + "ssc-target"));
    assertEquals("text/plain", copy.contentType());
    assertEquals(Map.of("a", "1", "source-etag", etag), copy.metadata());
    assertThrows(
        PreconditionFailedException.class,
        () -> copier.copy(store, src, base + "ssc-target-2", "0123456789abcdef", Map.of()));
  }

  @Test
  void conditionalReadFailsAfterTheObjectWasOverwritten() {
    require(Feature.CONDITIONAL_READ, null);
    String key = base + "changing";
    String etag = put(key, randomBytes(2000, 41)).etag();
    assertEquals(2000, read(key, null, etag).length);
    put(key, randomBytes(2000, 42));
    assertNotEquals(etag, store.head(key).etag());
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class, () -> read(key, new ByteRange(0, 99), etag));
    assertTrue(e.getMessage().contains(key), "the message names the object: " + e.getMessage());
  }

  @Test
  void conditionalCreateFailsWhenTheKeyExists() {
    require(Feature.CONDITIONAL_CREATE, null);
    String key = base + "create-once";
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    store.put(
        key, new ByteArrayInputStream(first), first.length, PutOptions.DEFAULT.withIfNoneMatch());
    byte[] second = "second".getBytes(StandardCharsets.UTF_8);
    assertThrows(
        PreconditionFailedException.class,
        () ->
            store.put(
                key,
                new ByteArrayInputStream(second),
                second.length,
                PutOptions.DEFAULT.withIfNoneMatch()));
    assertArrayEquals(first, readAll(key));
  }

  @Test
  void deletingAMissingKeyIsNotAnError() {
    store.delete(base + "never-existed");
    BatchDeleteResult r = store.deleteAll(List.of(base + "also-missing", base + "missing-too"));
    assertTrue(r.allDeleted(), () -> "failed: " + r.failed());
  }

  @Test
  void deleteAndBatchDeleteRemoveObjects() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      keys.add(base + "del/" + i);
      put(base + "del/" + i, new byte[] {1});
    }
    put(base + "keep", new byte[] {2});
    store.delete(keys.get(0));
    BatchDeleteResult r = store.deleteAll(keys.subList(1, keys.size()));
    assertTrue(r.allDeleted(), () -> "failed: " + r.failed());
    assertEquals(List.of(base + "keep"), keys(store.listAllToList(base)));
  }

  @Test
  void missingObjectsGiveANotFoundErrorNamingTheKey() {
    String key = base + "no-such-object";
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> store.head(key));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> readAll(key));
  }

  @Test
  void readsStreamLargeObjectsInPieces() throws IOException {
    byte[] data = randomBytes(12 << 20, 51);
    String key = base + "large.bin";
    put(key, data);
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("MD5");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    long total = 0;
    try (InputStream in = store.read(key, null, null)) {
      byte[] buf = new byte[64 << 10];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
        total += n;
      }
    }
    assertEquals(data.length, total);
    assertEquals(md5Hex(data), HexFormat.of().formatHex(md.digest()));
  }
}
