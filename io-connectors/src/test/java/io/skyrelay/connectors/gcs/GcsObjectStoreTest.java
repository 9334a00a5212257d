package io.skyrelay.connectors.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.ComposeRequest;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.connectors.local.LocalObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GCS-specific behaviour of the connector on {@code LocalStorageHelper}, google-cloud-nio's
 * in-memory fake of the official client. Where the fake lacks a GCS feature the connector relies on
 * (generation preconditions on downloads, compose), {@link SimulatedGcs} adds it in front of the
 * fake, and the test says so: those tests check the connector's side of the exchange (what it asks
 * for, how it reads the answer), not GCS.
 */
class GcsObjectStoreTest {

  private static final String BUCKET = "unit";

  private Storage fake;
  private GcsObjectStore store;

  @BeforeEach
  void freshFake() {
    fake = LocalStorageHelper.customOptions(false).getService();
    store = new GcsObjectStore(fake, BUCKET);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static WriteResult put(GcsObjectStore s, String key, byte[] data, PutOptions options) {
    return s.put(key, new ByteArrayInputStream(data), data.length, options);
  }

  private static byte[] read(GcsObjectStore s, String key, ByteRange range, String ifMatch)
      throws IOException {
    try (InputStream in = s.read(key, range, ifMatch)) {
      return in.readAllBytes();
    }
  }

  /**
   * The fake's generations are readings of the millisecond clock, so two writes within one
   * millisecond would share one (GCS's never do); wait for the clock to pass the generation.
   */
  private static void afterGeneration(String etag) {
    long generation = Long.parseLong(etag);
    while (System.currentTimeMillis() <= generation) {
      Thread.onSpinWait();
    }
  }

  // ---- ETags, conditions, metadata ----------------------------------------------------------

  @Test
  void theEtagIsTheGenerationAndChangesWhenTheContentDoes() {
    WriteResult first = put(store, "a/obj", bytes("one"), PutOptions.DEFAULT);
    long generation = fake.get(BlobId.of(BUCKET, "a/obj")).getGeneration();
    assertEquals(Long.toString(generation), first.etag());
    assertEquals(first.etag(), store.head("a/obj").etag());
    assertEquals(first.etag(), store.listAllToList("a/").get(0).etag());

    afterGeneration(first.etag());
    WriteResult second = put(store, "a/obj", bytes("two"), PutOptions.DEFAULT);
    assertNotEquals(first.etag(), second.etag());
    assertEquals(second.etag(), store.head("a/obj").etag());
  }

  @Test
  void aConditionalReadAfterAnOverwriteFailsNamingTheKey() throws IOException {
    // The fake ignores ifGenerationMatch on downloads; SimulatedGcs answers 412 as GCS does.
    SimulatedGcs gcs = new SimulatedGcs(fake);
    GcsObjectStore s = new GcsObjectStore(gcs.storage(), BUCKET);
    String etag = put(s, "doc", bytes("version 1"), PutOptions.DEFAULT).etag();
    assertArrayEquals(bytes("version 1"), read(s, "doc", null, etag));
    afterGeneration(etag);
    put(s, "doc", bytes("version 2"), PutOptions.DEFAULT);

    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class, () -> s.read("doc", new ByteRange(0, 3), etag));
    assertTrue(e.getMessage().contains("doc"), e.getMessage());
    assertTrue(gcs.readsWithGenerationMatch > 0, "the read asked GCS for ifGenerationMatch");
  }

  @Test
  void anEtagThatIsNotAGenerationNeverMatches() {
    put(store, "doc", bytes("x"), PutOptions.DEFAULT);
    PreconditionFailedException e =
        assertThrows(PreconditionFailedException.class, () -> store.read("doc", null, "\"abc\""));
    assertTrue(e.getMessage().contains("doc"), e.getMessage());
  }

  @Test
  void aCreateOnlyWriteFailsOnAnExistingObjectAndLeavesItAlone() throws IOException {
    PutOptions createOnly = PutOptions.DEFAULT.withIfNoneMatch();
    put(store, "once", bytes("first"), createOnly);
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class,
            () -> put(store, "once", bytes("second"), createOnly));
    assertTrue(e.getMessage().contains("once"), e.getMessage());
    assertArrayEquals(bytes("first"), read(store, "once", null, null));
  }

  @Test
  void contentTypeAndMetadataRoundTripThroughHeadAndListing() {
    Map<String, String> md = Map.of("source-etag", "abc", "owner", "data-team");
    put(store, "m/doc.json", bytes("{}"), PutOptions.of("application/json", md));
    ObjectInfo head = store.head("m/doc.json");
    assertEquals("application/json", head.contentType());
    assertEquals(md, head.metadata());
    assertEquals(2, head.size());
    assertTrue(head.lastModified() != null, "update time is reported");
    // A GCS listing carries the full resource, metadata included.
    ObjectInfo listed = store.listAllToList("m/").get(0);
    assertEquals("application/json", listed.contentType());
    assertEquals(md, listed.metadata());
  }

  @Test
  void md5IsReportedAsLowercaseHex() {
    // The fake computes no md5Hash, so the conversion is checked on its own.
    assertEquals(
        "5eb63bbbe01eeed093cb22bb8f5acdc3", GcsObjectStore.md5Hex("XrY7u+Ae7tCTyyK7j1rNww=="));
    assertEquals(null, GcsObjectStore.md5Hex(null));
  }

  @Test
  void rangedReadsReturnExactlyTheFirstAndTheLastByte() throws IOException {
    byte[] data = randomBytes(300_000, 5);
    put(store, "r", data, PutOptions.DEFAULT);
    assertArrayEquals(new byte[] {data[0]}, read(store, "r", new ByteRange(0, 0), null));
    int last = data.length - 1;
    assertArrayEquals(new byte[] {data[last]}, read(store, "r", new ByteRange(last, last), null));
    assertArrayEquals(
        java.util.Arrays.copyOfRange(data, 70_000, 270_000),
        read(store, "r", ByteRange.ofLength(70_000, 200_000), null));
  }

  @Test
  void aSourceShorterThanItsLengthFailsAndKeepsTheOldObject() throws IOException {
    put(store, "short", bytes("old"), PutOptions.DEFAULT);
    StoreException e =
        assertThrows(
            StoreException.class,
            () ->
                store.put("short", new ByteArrayInputStream(bytes("new")), 10, PutOptions.DEFAULT));
    assertTrue(e.getMessage().contains("expected 10 bytes"), e.getMessage());
    assertArrayEquals(bytes("old"), read(store, "short", null, null));
  }

  // ---- errors -------------------------------------------------------------------------------

  @Test
  void aMissingObjectIsNotFoundOnHeadAndOnRead() {
    ObjectNotFoundException head =
        assertThrows(ObjectNotFoundException.class, () -> store.head("no/such"));
    assertTrue(head.getMessage().contains("no/such"), head.getMessage());
    // The fake answers the download with a 404, which the read reports before returning a stream.
    ObjectNotFoundException read =
        assertThrows(ObjectNotFoundException.class, () -> store.read("no/such", null, null));
    assertTrue(read.getMessage().contains("no/such"), read.getMessage());
  }

  @Test
  void statusCodesBecomeTypedErrorsThatSayWhatToCheck() {
    GcsObjectStore s =
        new GcsObjectStore(
            fake, BUCKET, "check credentials-file (/keys/sa.json)", false, noRetries());
    String what = "reading gs://unit/k";
    assertInstanceOf(
        ObjectNotFoundException.class,
        s.errors().translate(new StorageException(404, "nf"), what, "k", null));
    assertInstanceOf(
        PreconditionFailedException.class,
        s.errors().translate(new StorageException(412, "conditionNotMet"), what, "k", null));
    StoreException denied =
        s.errors().translate(new StorageException(401, "Unauthorized"), what, "k", null);
    assertInstanceOf(AccessDeniedException.class, denied);
    assertTrue(denied.getMessage().contains("credentials-file"), denied.getMessage());
    StoreException forbidden =
        s.errors().translate(new StorageException(403, "Forbidden"), what, "k", null);
    assertInstanceOf(AccessDeniedException.class, forbidden);
    assertTrue(forbidden.getMessage().contains("roles/storage"), forbidden.getMessage());
    assertInstanceOf(
        ThrottledException.class,
        s.errors().translate(new StorageException(429, "slow"), what, "k", null));
    assertInstanceOf(
        ThrottledException.class,
        s.errors().translate(new StorageException(503, "busy"), what, "k", null));
    assertInstanceOf(
        TransientStoreException.class,
        s.errors().translate(new StorageException(502, "bad gateway"), what, "k", null));
    assertInstanceOf(
        TransientStoreException.class,
        s.errors().translate(new IOException(new StorageException(0, "reset")), what, "k", null));
    StoreException bucket =
        s.errors().translate(new StorageException(404, "nf"), "listing", null, null);
    assertTrue(bucket.getMessage().contains("bucket gs://unit"), bucket.getMessage());
  }

  @Test
  void errorMessagesNeverCarryACredential() {
    String token = "ya29.a0AfH6SMBx3secretTokenValue_1234567890";
    String key =
        "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n";
    StorageException fromClient =
        new StorageException(
            401,
            "401 Unauthorized\nGET https://storage.googleapis.com/storage/v1/b/unit/o/k\n"
                + "Authorization: Bearer "
                + token
                + "\nInvalid Credentials",
            new IOException(
                "token " + token + " rejected; key {\"private_key\": \"" + key + "\"}"));
    StoreException e = store.errors().translate(fromClient, "reading gs://unit/k", "k", null);
    StringWriter printed = new StringWriter();
    e.printStackTrace(new PrintWriter(printed));
    for (String text : List.of(e.getMessage(), printed.toString())) {
      assertFalse(text.contains("secretTokenValue"), text);
      assertFalse(text.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), text);
    }
    assertTrue(e.getMessage().contains("gs://unit/k"), e.getMessage());
  }

  // ---- listings and the reserved prefix -----------------------------------------------------

  @Test
  void listingsAreSortedAndRollUpAtTheDelimiter() {
    for (String k : List.of("d/b", "d/a", "d/sub/x", "d/sub/y", "d/c")) {
      put(store, k, bytes(k), PutOptions.DEFAULT);
    }
    ListPage page = store.list(ListRequest.of("d/").withDelimiter("/"));
    assertEquals(
        List.of("d/a", "d/b", "d/c"), page.objects().stream().map(ObjectInfo::key).toList());
    assertEquals(List.of("d/sub/"), page.commonPrefixes());
  }

  @Test
  void theUploadsPrefixIsReservedAndHiddenFromListings() {
    assertThrows(
        InvalidKeyException.class,
        () -> put(store, GcsObjectStore.UPLOADS_PREFIX + "x", bytes("x"), PutOptions.DEFAULT));
    put(store, "visible", bytes("v"), PutOptions.DEFAULT);
    UploadHandle h = store.multipart().orElseThrow().begin("big.bin", PutOptions.DEFAULT);
    store.multipart().orElseThrow().uploadPart(h, 1, new ByteArrayInputStream(bytes("part")), 4);
    assertEquals(
        List.of("visible"), store.listAllToList("").stream().map(ObjectInfo::key).toList());
    ListPage top = store.list(ListRequest.of("").withDelimiter("/"));
    assertEquals(List.of(), top.commonPrefixes());
    assertTrue(
        rawNames(BlobListOption.prefix(""), BlobListOption.delimiter("/"))
            .contains(GcsObjectStore.UPLOADS_PREFIX),
        "the part exists, under the reserved prefix");
    store.multipart().orElseThrow().abort(h);
  }

  private List<String> rawNames(BlobListOption... options) {
    List<String> names = new ArrayList<>();
    fake.list(BUCKET, options).iterateAll().forEach(b -> names.add(b.getName()));
    Collections.sort(names);
    return names;
  }

  // ---- multi-part ---------------------------------------------------------------------------

  @Test
  void pendingUploadsAreListedWithTheirOptionsAndAbortRemovesEveryPart() {
    PutOptions options = PutOptions.of("video/mp4", Map.of("origin", "s3://src/a.mp4"));
    UploadHandle h = store.multipart().orElseThrow().begin("videos/a.mp4", options);
    store.multipart().orElseThrow().uploadPart(h, 1, new ByteArrayInputStream(bytes("aaaa")), 4);
    store.multipart().orElseThrow().uploadPart(h, 2, new ByteArrayInputStream(bytes("bb")), 2);

    List<UploadHandle> pending = store.multipart().orElseThrow().listPending("videos/");
    assertEquals(List.of(h), pending);
    assertEquals(List.of(), store.multipart().orElseThrow().listPending("photos/"));

    store.multipart().orElseThrow().abort(h);
    store.multipart().orElseThrow().abort(h); // aborting twice is harmless
    assertEquals(List.of(), store.multipart().orElseThrow().listPending(""));
    assertEquals(List.of(), rawNames(BlobListOption.prefix(GcsObjectStore.UPLOADS_PREFIX)));
    assertThrows(
        ObjectNotFoundException.class,
        () ->
            store
                .multipart()
                .orElseThrow()
                .uploadPart(h, 3, new ByteArrayInputStream(bytes("c")), 1));
  }

  @Test
  void completeComposesThePartsInOrderInRoundsOfAtMost32() throws IOException {
    // The fake has no compose; SimulatedGcs concatenates, refusing more than 32 sources and
    // sources whose generation changed, as GCS does.
    SimulatedGcs gcs = new SimulatedGcs(fake);
    GcsObjectStore s = new GcsObjectStore(gcs.storage(), BUCKET);
    PutOptions options = PutOptions.of("text/plain", Map.of("parts", "70"));
    UploadHandle h = s.multipart().orElseThrow().begin("composed.txt", options);
    List<CompletedPart> parts = new ArrayList<>();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 1; i <= 70; i++) {
      expected.writeBytes(bytes("part " + i + ";"));
    }
    for (int i = 70; i >= 1; i--) {
      byte[] p = bytes("part " + i + ";");
      parts.add(
          s.multipart().orElseThrow().uploadPart(h, i, new ByteArrayInputStream(p), p.length));
    }
    WriteResult w = s.multipart().orElseThrow().complete(h, parts);

    assertArrayEquals(expected.toByteArray(), read(s, "composed.txt", null, null));
    assertEquals(expected.size(), w.size());
    assertEquals(w.etag(), s.head("composed.txt").etag());
    assertEquals("text/plain", s.head("composed.txt").contentType());
    assertEquals(Map.of("parts", "70"), s.head("composed.txt").metadata());
    assertTrue(gcs.composeSourceCounts.size() > 1, "more than 32 parts take several rounds");
    assertTrue(
        gcs.composeSourceCounts.stream().allMatch(n -> n <= 32), gcs.composeSourceCounts::toString);
    assertEquals(List.of(), rawNames(BlobListOption.prefix(GcsObjectStore.UPLOADS_PREFIX)));
    assertEquals(List.of(), s.multipart().orElseThrow().listPending(""));
  }

  @Test
  void completeRefusesAPartReplacedAfterItWasReported() {
    SimulatedGcs gcs = new SimulatedGcs(fake);
    GcsObjectStore s = new GcsObjectStore(gcs.storage(), BUCKET);
    UploadHandle h = s.multipart().orElseThrow().begin("k", PutOptions.DEFAULT);
    CompletedPart stale =
        s.multipart().orElseThrow().uploadPart(h, 1, new ByteArrayInputStream(bytes("one")), 3);
    afterGeneration(stale.etag());
    s.multipart().orElseThrow().uploadPart(h, 1, new ByteArrayInputStream(bytes("uno")), 3);
    assertThrows(
        PreconditionFailedException.class,
        () -> s.multipart().orElseThrow().complete(h, List.of(stale)));
    s.multipart().orElseThrow().abort(h);
  }

  @Test
  void rangedPartCopiesAreRefusedBecauseGcsHasNone() {
    assertFalse(store.multipart().orElseThrow().canCopyPartFrom(store));
    UploadHandle h = store.multipart().orElseThrow().begin("t", PutOptions.DEFAULT);
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                store
                    .multipart()
                    .orElseThrow()
                    .copyPart(h, 1, store, "src", new ByteRange(0, 9), null));
    assertTrue(e.getMessage().contains("uploadPart"), e.getMessage());
    store.multipart().orElseThrow().abort(h);
  }

  // ---- server-side copy ---------------------------------------------------------------------

  @Test
  void copiesBetweenBucketsKeepMetadataAndCheckTheSourceEtag(@TempDir Path dir) throws IOException {
    GcsObjectStore other = new GcsObjectStore(fake, "other-bucket");
    assertTrue(store.serverSideCopy().orElseThrow().canCopyFrom(other));
    assertFalse(store.serverSideCopy().orElseThrow().canCopyFrom(new LocalObjectStore(dir)));

    String etag =
        put(other, "src", bytes("payload"), PutOptions.of("text/csv", Map.of("a", "1"))).etag();
    WriteResult w =
        store
            .serverSideCopy()
            .orElseThrow()
            .copy(other, "src", "dst", etag, Map.of("copied-from", "other"));
    assertArrayEquals(bytes("payload"), read(store, "dst", null, null));
    assertEquals(w.etag(), store.head("dst").etag());
    assertEquals("text/csv", store.head("dst").contentType());
    assertEquals(Map.of("a", "1", "copied-from", "other"), store.head("dst").metadata());

    afterGeneration(etag);
    put(other, "src", bytes("changed"), PutOptions.DEFAULT);
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class,
            () -> store.serverSideCopy().orElseThrow().copy(other, "src", "dst2", etag, Map.of()));
    assertTrue(e.getMessage().contains("src"), e.getMessage());
  }

  private static Retrier noRetries() {
    return new Retrier(1, Duration.ZERO, Duration.ZERO, d -> {});
  }

  /**
   * LocalStorageHelper with two GCS behaviours it lacks, done the way GCS does them: downloads with
   * {@code ifGenerationMatch} fail with 412 once the object has another generation (on the first
   * read, as the client reports it), and compose concatenates up to 32 sources, each at the
   * generation asked for. Everything else goes to the fake unchanged.
   */
  static final class SimulatedGcs {
    private final Storage fake;
    final List<Integer> composeSourceCounts = new ArrayList<>();
    int readsWithGenerationMatch;

    SimulatedGcs(Storage fake) {
      this.fake = fake;
    }

    Storage storage() {
      return (Storage)
          Proxy.newProxyInstance(
              Storage.class.getClassLoader(),
              new Class<?>[] {Storage.class},
              (proxy, method, args) -> {
                if (method.getName().equals("reader")
                    && args.length == 2
                    && args[0] instanceof BlobId id
                    && ((BlobSourceOption[]) args[1]).length > 0) {
                  return reader(id, (BlobSourceOption[]) args[1]);
                }
                if (method.getName().equals("compose")) {
                  return compose((ComposeRequest) args[0]);
                }
                try {
                  return method.invoke(fake, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    private ReadChannel reader(BlobId id, BlobSourceOption[] options) {
      readsWithGenerationMatch++;
      Blob current = fake.get(id);
      boolean matches =
          current != null
              && List.of(options)
                  .contains(BlobSourceOption.generationMatch(current.getGeneration()));
      ReadChannel real = fake.reader(id);
      if (matches) {
        return real;
      }
      return (ReadChannel)
          Proxy.newProxyInstance(
              ReadChannel.class.getClassLoader(),
              new Class<?>[] {ReadChannel.class},
              (proxy, method, args) -> {
                if (method.getName().equals("read")) {
                  throw new IOException(new StorageException(412, "Precondition Failed"));
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    private Blob compose(ComposeRequest request) throws IOException {
      List<ComposeRequest.SourceBlob> sources = request.getSourceBlobs();
      composeSourceCounts.add(sources.size());
      if (sources.size() > 32) {
        throw new StorageException(400, "The number of source components provided exceeds 32");
      }
      BlobInfo target = request.getTarget();
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      for (ComposeRequest.SourceBlob source : sources) {
        BlobId id = BlobId.of(target.getBucket(), source.getName());
        Blob blob = fake.get(id);
        if (blob == null) {
          throw new StorageException(404, "No such object: " + source.getName());
        }
        if (source.getGeneration() != null
            && !source.getGeneration().equals(blob.getGeneration())) {
          throw new StorageException(412, "Precondition Failed");
        }
        content.writeBytes(fake.readAllBytes(id));
      }
      BlobWriteSession session = fake.blobWriteSession(target);
      try (WritableByteChannel ch = session.open()) {
        ch.write(ByteBuffer.wrap(content.toByteArray()));
      }
      return fake.get(target.getBlobId());
    }
  }
}
