package io.skyrelay.connectors.swift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for the Swift connector against a real OpenStack Swift (Debian's 2.30
 * packages) started as an all-in-one by {@link SwiftAllInOneServer}, plus what is Swift's own:
 * static large objects and their ETags, token renewal, and credentials kept out of messages.
 */
class SwiftConformanceTest extends ObjectStoreConformanceTest {

  private static final String CONTAINER = "conformance";

  private SwiftAllInOneServer swift;

  @Override
  protected ObjectStore openStore() throws Exception {
    String missing = SwiftAllInOneServer.missing();
    assertTrue(missing.isEmpty(), missing);
    swift = SwiftAllInOneServer.start();
    swift.createContainer(CONTAINER);
    return ObjectStores.open(uri(), swift.settings());
  }

  private static String uri() {
    return "swift://" + SwiftAllInOneServer.ACCOUNT + "/" + CONTAINER;
  }

  @Override
  protected void stopServer() {
    if (swift != null) {
      swift.close();
    }
  }

  @Override
  protected Optional<String> serverGap(Feature feature) {
    return Optional.empty();
  }

  /** A store of the same container that writes objects above 1 MiB as static large objects. */
  private ObjectStore segmented() {
    return ObjectStores.open(
        uri(), swift.settings().with("segment-size", "1MiB").with("segment-parallelism", "3"));
  }

  private static String md5(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  @Test
  void largeWritesBecomeStaticLargeObjectsWithSwiftsManifestEtag() throws Exception {
    byte[] data = randomBytes((3 << 20) + 123, 61);
    String key = base + "slo.bin";
    try (ObjectStore s = segmented()) {
      WriteResult w =
          s.put(
              key,
              new ByteArrayInputStream(data),
              data.length,
              PutOptions.of("video/mp4", Map.of("k", "v")));
      // Swift's SLO ETag: the MD5 of the segments' hex MD5s, concatenated.
      StringBuilder segmentMd5s = new StringBuilder();
      for (int from = 0; from < data.length; from += 1 << 20) {
        segmentMd5s.append(
            md5(Arrays.copyOfRange(data, from, Math.min(data.length, from + (1 << 20)))));
      }
      String expectedEtag = md5(segmentMd5s.toString().getBytes());
      assertEquals(expectedEtag, w.etag());
      ObjectInfo head = s.head(key);
      assertEquals(expectedEtag, head.etag());
      assertNull(head.md5(), "a large object's ETag is not its content's MD5");
      assertEquals(data.length, head.size());
      assertEquals("video/mp4", head.contentType());
      assertEquals(Map.of("k", "v"), head.metadata());
      ObjectInfo listed = s.listAllToList(base).get(0);
      assertEquals(expectedEtag, listed.etag());
      assertEquals(data.length, listed.size());
      assertNull(listed.md5());
      assertArrayEquals(data, readAll(key));
      // a range across the first segment boundary
      assertArrayEquals(
          Arrays.copyOfRange(data, (1 << 20) - 10, (1 << 20) + 10),
          read(key, ByteRange.ofLength((1 << 20) - 10, 20), head.etag()));
      ObjectStore segments =
          ObjectStores.open(uri() + SwiftObjectStore.SEGMENTS_SUFFIX, swift.settings());
      assertEquals(4, segments.listAllToList(key + "/slo/").size());
      s.delete(key);
      assertThrows(ObjectNotFoundException.class, () -> s.head(key));
      assertEquals(List.of(), segments.listAllToList(key + "/slo/"), "segments deleted too");
    }
  }

  private ObjectStore segmentsOfContainer() {
    return ObjectStores.open(uri() + SwiftObjectStore.SEGMENTS_SUFFIX, swift.settings());
  }

  /** The upload ids of the segments under {@code key}. */
  private java.util.Set<String> uploadsOf(ObjectStore segments, String key) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (ObjectInfo o : segments.listAllToList(key + "/slo/")) {
      ids.add(o.key().substring((key + "/slo/").length()).split("/")[0]);
    }
    return ids;
  }

  @Test
  void overwritingALargeObjectDeletesItsOldSegments() throws Exception {
    String key = base + "slo-overwritten.bin";
    byte[] first = randomBytes((2 << 20) + 9, 64);
    byte[] second = randomBytes((3 << 20) + 1, 65);
    try (ObjectStore s = segmented();
        ObjectStore segments = segmentsOfContainer()) {
      s.put(key, new ByteArrayInputStream(first), first.length, PutOptions.DEFAULT);
      assertEquals(1, uploadsOf(segments, key).size());
      s.put(key, new ByteArrayInputStream(second), second.length, PutOptions.DEFAULT);
      assertEquals(1, uploadsOf(segments, key).size(), "only the new object's segments");
      assertEquals(4, segments.listAllToList(key + "/slo/").size());
      assertArrayEquals(second, readAll(key));
      // A multi-part upload completed over it replaces its segments too.
      MultipartUploads mp = s.multipart().orElseThrow();
      UploadHandle h = mp.begin(key, PutOptions.DEFAULT);
      CompletedPart p1 = mp.uploadPart(h, 1, new ByteArrayInputStream(first), first.length);
      mp.complete(h, List.of(p1));
      assertEquals(java.util.Set.of(h.uploadId()), uploadsOf(segments, key));
      assertArrayEquals(first, readAll(key));
      // A plain object written over it leaves no segments.
      put(key, new byte[] {5});
      assertEquals(List.of(), segments.listAllToList(key + "/slo/"));
      assertArrayEquals(new byte[] {5}, readAll(key));
    }
  }

  @Test
  void withLeaveSegmentsAnOverwriteKeepsTheOldSegments() {
    String key = base + "slo-left.bin";
    byte[] data = randomBytes((1 << 20) + 3, 66);
    try (ObjectStore s =
            ObjectStores.open(
                uri(),
                swift.settings().with("segment-size", "1MiB").with("leave-segments", "true"));
        ObjectStore segments = segmentsOfContainer()) {
      s.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
      s.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
      assertEquals(2, uploadsOf(segments, key).size());
    }
  }

  @Test
  void batchDeletesRemoveLargeObjectsWithTheirSegments() {
    byte[] data = randomBytes((1 << 20) + 3, 67);
    List<String> keys = List.of(base + "batch/large", base + "batch/plain", base + "batch/gone");
    try (ObjectStore s = segmented();
        ObjectStore segments = segmentsOfContainer()) {
      s.put(keys.get(0), new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
      put(keys.get(1), new byte[] {1});
      assertEquals(2, segments.listAllToList(keys.get(0) + "/slo/").size());
      assertEquals(0, s.deleteAll(keys).failed().size());
      assertEquals(List.of(), s.listAllToList(base + "batch/"));
      assertEquals(List.of(), segments.listAllToList(keys.get(0) + "/slo/"), "segments too");
    }
  }

  @Test
  void aLargeWriteWithTheWrongMd5LeavesNoObjectAndNoSegments() {
    byte[] data = randomBytes((2 << 20) + 5, 62);
    String key = base + "slo-wrong-md5.bin";
    try (ObjectStore s = segmented()) {
      PutOptions wrong = PutOptions.DEFAULT.withMd5(md5Hex(new byte[] {1}));
      assertThrows(
          io.skyrelay.connectors.StoreException.class,
          () -> s.put(key, new ByteArrayInputStream(data), data.length, wrong));
      assertThrows(ObjectNotFoundException.class, () -> s.head(key));
      ObjectStore segments =
          ObjectStores.open(uri() + SwiftObjectStore.SEGMENTS_SUFFIX, swift.settings());
      assertEquals(List.of(), segments.listAllToList(key + "/"));
    }
  }

  @Test
  void aLargeCreateFailsWhenTheKeyExists() {
    byte[] data = randomBytes((1 << 20) + 1, 63);
    String key = base + "slo-once.bin";
    put(key, new byte[] {7});
    try (ObjectStore s = segmented()) {
      assertThrows(
          PreconditionFailedException.class,
          () ->
              s.put(
                  key,
                  new ByteArrayInputStream(data),
                  data.length,
                  PutOptions.DEFAULT.withIfNoneMatch()));
    }
    assertArrayEquals(new byte[] {7}, readAll(key));
  }

  @Test
  void aDelimiterListingPagesPastRolledUpPrefixes() {
    for (String k : List.of("a/1", "a/2", "b/1", "c", "d/1")) {
      put(base + k, new byte[] {1});
    }
    ListRequest first = ListRequest.of(base).withDelimiter("/").withMaxKeys(2);
    ListPage p1 = store.list(first);
    assertEquals(List.of(base + "a/", base + "b/"), p1.commonPrefixes());
    ListPage p2 = store.list(first.withPageToken(p1.nextPageToken()));
    assertEquals(List.of(base + "c"), p2.objects().stream().map(ObjectInfo::key).toList());
    assertEquals(List.of(base + "d/"), p2.commonPrefixes());
  }

  @Test
  void metadataValuesBeyondAsciiRoundTrip() {
    String key = base + "unicode-meta";
    Map<String, String> md = Map.of("city", "Z\u00fcrich", "note", "caf\u00e9 \u2615");
    byte[] data = {1};
    store.put(key, new ByteArrayInputStream(data), 1, PutOptions.of("text/plain", md));
    assertEquals(md, store.head(key).metadata());
  }

  @Test
  void batchDeletesGoThroughTheBulkMiddlewareTheServerAnnounces() {
    assertEquals(1000, ((SwiftObjectStore) store).bulkDeleteLimit());
  }

  @Test
  void aTokenSwiftForgotIsRenewed() throws IOException {
    String key = base + "token";
    put(key, new byte[] {1, 2, 3});
    swift.forgetTokens();
    assertEquals(3, store.head(key).size());
    swift.forgetTokens();
    try (InputStream in = store.read(key, null, null)) {
      assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
    }
  }

  @Test
  void aWrongKeyIsRefusedWithoutShowingIt() {
    String secret = "not-the-key-" + base.substring(12, 20);
    StoreSettings wrong = swift.settings().with("key", secret);
    assertFalse(wrong.toString().contains(secret));
    try (ObjectStore s = ObjectStores.open(uri(), wrong)) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> s.head("x"));
      assertFalse(e.getMessage().contains(secret), e.getMessage());
      assertTrue(e.getMessage().contains(SwiftAllInOneServer.USER), e.getMessage());
    }
  }
}
