package io.skyrelay.connectors.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What is particular to Azure, against Azurite: metadata names, credentials, blocks, copies. */
class AzureBlobObjectStoreTest {

  private static AzuriteServer azurite;

  @BeforeAll
  static void startAzurite() throws Exception {
    azurite = AzuriteServer.start();
  }

  @AfterAll
  static void stopAzurite() {
    if (azurite != null) {
      azurite.close();
    }
  }

  /** A new, empty container, opened with the development account's shared key. */
  private static AzureBlobObjectStore newContainer() {
    String name = "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    azurite.createContainer(name);
    return (AzureBlobObjectStore)
        ObjectStores.open("az://" + AzuriteServer.ACCOUNT + "/" + name, azurite.settings());
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static WriteResult put(ObjectStore store, String key, byte[] data, PutOptions options) {
    return store.put(key, new ByteArrayInputStream(data), data.length, options);
  }

  private static byte[] readAll(ObjectStore store, String key) throws IOException {
    try (InputStream in = store.read(key, null, null)) {
      return in.readAllBytes();
    }
  }

  private static String md5Hex(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  // ---- metadata names -----------------------------------------------------------------------

  @Test
  void metadataKeysMapToIdentifiersAndBack() {
    assertEquals("source_2d_etag", MetadataNames.toAzure("source-etag"));
    assertEquals("owner", MetadataNames.toAzure("owner"));
    assertEquals("my_key", MetadataNames.toAzure("my_key"));
    assertEquals("ContentOwner", MetadataNames.toAzure("ContentOwner"));
    assertEquals("_31_st", MetadataNames.toAzure("1st"));
    assertEquals("a_5f_bc", MetadataNames.toAzure("a_bc"));
    assertEquals("caf_c3__a9_", MetadataNames.toAzure("caf\u00e9"));
    assertEquals("x_2e_y_2f_z", MetadataNames.toAzure("x.y/z"));
    // Names written by other tools read back unchanged, even when shaped a bit like escapes.
    assertEquals("my_key", MetadataNames.fromAzure("my_key"));
    assertEquals("a_zz_b", MetadataNames.fromAzure("a_zz_b"));
    assertEquals("bad_ff_", MetadataNames.fromAzure("bad_ff_"));

    Random random = new Random(5);
    String alphabet = "aZ09_-.:/ \u00e9\u65e5x_ab_2d_";
    for (int i = 0; i < 5000; i++) {
      StringBuilder key = new StringBuilder();
      int n = 1 + random.nextInt(12);
      for (int j = 0; j < n; j++) {
        key.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (random.nextInt(10) == 0) {
        key.appendCodePoint(0x1F680);
      }
      String azure = MetadataNames.toAzure(key.toString());
      assertTrue(azure.matches("[A-Za-z_][A-Za-z0-9_]*"), () -> key + " -> " + azure);
      assertEquals(key.toString(), MetadataNames.fromAzure(azure), () -> "via " + azure);
    }
  }

  @Test
  void metadataWithDashesDotsAndCaseRoundTripsThroughAzurite() throws Exception {
    AzureBlobObjectStore store = newContainer();
    Map<String, String> md = new LinkedHashMap<>();
    md.put("source-etag", "0x8DC");
    md.put("owner", "team-data");
    md.put("1st", "one");
    md.put("my_key", "plain");
    md.put("x.y", "dotted");
    md.put("caf\u00e9", "accent in the key");
    byte[] data = "hello".getBytes();
    put(store, "meta.txt", data, PutOptions.of("text/plain", md));

    assertEquals(md, store.head("meta.txt").metadata());
    // Azure metadata names are case-insensitive; Azurite returns them lower-cased, Azure as
    // written.
    put(store, "upper.txt", data, PutOptions.of(null, Map.of("Content-Owner", "x")));
    Map.Entry<String, String> upper =
        store.head("upper.txt").metadata().entrySet().iterator().next();
    assertTrue(upper.getKey().equalsIgnoreCase("Content-Owner"), upper.getKey());
    try (ObjectContent c = store.open("meta.txt", null, null)) {
      assertEquals(md, c.info().metadata());
      assertEquals("text/plain", c.info().contentType());
      assertArrayEquals(data, c.stream().readAllBytes());
    }
    Map<String, String> raw =
        azurite
            .serviceClient()
            .getBlobContainerClient(store.root().container())
            .getBlobClient("meta.txt")
            .getProperties()
            .getMetadata();
    assertEquals("0x8DC", raw.get("source_2d_etag"));
    assertEquals("plain", raw.get("my_key"));

    StoreException e =
        assertThrows(
            StoreException.class,
            () -> put(store, "bad.txt", data, PutOptions.of(null, Map.of("k", "caf\u00e9"))));
    assertTrue(e.getMessage().contains("ASCII"), e.getMessage());
  }

  // ---- copies between containers ------------------------------------------------------------

  @Test
  void partsAreCopiedServerSideBetweenTwoContainers() throws Exception {
    AzureBlobObjectStore source = newContainer();
    AzureBlobObjectStore target = newContainer();
    MultipartUploads mp = target.multipart().orElseThrow();
    assertTrue(mp.canCopyPartFrom(source));
    int part = 1 << 20;
    byte[] data = randomBytes(2 * part + 777, 1);
    String etag = put(source, "dir/source.bin", data, PutOptions.DEFAULT).etag();

    UploadHandle upload =
        mp.begin("copied.bin", PutOptions.of("application/x-test", Map.of("source-etag", etag)));
    List<CompletedPart> parts = new ArrayList<>();
    parts.add(
        mp.copyPart(upload, 3, source, "dir/source.bin", ByteRange.ofLength(2L * part, 777), etag));
    parts.add(mp.copyPart(upload, 1, source, "dir/source.bin", ByteRange.ofLength(0, part), etag));
    parts.add(
        mp.copyPart(upload, 2, source, "dir/source.bin", ByteRange.ofLength(part, part), etag));
    WriteResult w = mp.complete(upload, parts);

    assertEquals(data.length, w.size());
    assertArrayEquals(data, readAll(target, "copied.bin"));
    ObjectInfo head = target.head("copied.bin");
    assertEquals(w.etag(), head.etag());
    assertEquals("application/x-test", head.contentType());
    assertEquals(Map.of("source-etag", etag), head.metadata());
    assertNull(head.md5(), "a blob assembled from blocks has no MD5");

    put(source, "dir/source.bin", randomBytes(data.length, 2), PutOptions.DEFAULT);
    UploadHandle again = mp.begin("copied-again.bin", PutOptions.DEFAULT);
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class,
            () ->
                mp.copyPart(again, 1, source, "dir/source.bin", ByteRange.ofLength(0, part), etag));
    assertTrue(e.getMessage().contains("dir/source.bin"), e.getMessage());
    assertFalse(e.getMessage().contains("sig="), e.getMessage());
  }

  @Test
  void wholeObjectsAreCopiedBetweenContainersWithMetadata() throws Exception {
    AzureBlobObjectStore source = newContainer();
    AzureBlobObjectStore target = newContainer();
    byte[] data = randomBytes(10_000, 3);
    String etag =
        put(source, "a.bin", data, PutOptions.of("image/png", Map.of("origin-id", "7"))).etag();

    target
        .serverSideCopy()
        .orElseThrow()
        .copy(source, "a.bin", "sync.bin", etag, Map.of("source-etag", etag));
    ObjectInfo sync = target.head("sync.bin");
    assertArrayEquals(data, readAll(target, "sync.bin"));
    assertEquals("image/png", sync.contentType());
    assertEquals(Map.of("origin-id", "7", "source-etag", etag), sync.metadata());

    // Sources above Copy Blob From URL's limit go through an asynchronous copy.
    target.setTransferLimits(256L << 20, 64L << 20, 1024);
    WriteResult w =
        target
            .serverSideCopy()
            .orElseThrow()
            .copy(source, "a.bin", "async.bin", null, Map.of("k", "v"));
    ObjectInfo async = target.head("async.bin");
    assertEquals(w.etag(), async.etag());
    assertArrayEquals(data, readAll(target, "async.bin"));
    assertEquals("image/png", async.contentType());
    assertEquals(Map.of("origin-id", "7", "k", "v"), async.metadata());
    assertThrows(
        PreconditionFailedException.class,
        () ->
            target
                .serverSideCopy()
                .orElseThrow()
                .copy(source, "a.bin", "async-2.bin", "0x0000", Map.of()));
    assertThrows(
        ObjectNotFoundException.class,
        () ->
            target
                .serverSideCopy()
                .orElseThrow()
                .copy(source, "missing.bin", "never.bin", null, Map.of()));
  }

  // ---- conditions ---------------------------------------------------------------------------

  @Test
  void ifMatchAcceptsQuotedAndUnquotedETagsAndFailsOnChange() throws Exception {
    AzureBlobObjectStore store = newContainer();
    String etag = put(store, "k", randomBytes(100, 4), PutOptions.DEFAULT).etag();
    assertFalse(etag.startsWith("\""), etag);
    try (InputStream in = store.read("k", new ByteRange(0, 9), "\"" + etag + "\"")) {
      assertEquals(10, in.readAllBytes().length);
    }
    put(store, "k", randomBytes(100, 5), PutOptions.DEFAULT);
    PreconditionFailedException e =
        assertThrows(PreconditionFailedException.class, () -> store.read("k", null, etag));
    assertTrue(e.getMessage().contains("/k"), e.getMessage());
    assertThrows(
        PreconditionFailedException.class,
        () -> store.serverSideCopy().orElseThrow().copy(store, "k", "k2", etag, Map.of()));
  }

  // ---- credentials and errors ---------------------------------------------------------------

  @Test
  void aWrongAccountKeyGivesAccessDeniedNamingTheSettingButNotTheKey() {
    String wrongKey = Base64.getEncoder().encodeToString(randomBytes(64, 6));
    ObjectStore store =
        ObjectStores.open(
            "az://" + AzuriteServer.ACCOUNT + "/anything",
            StoreSettings.of(Map.of("endpoint", azurite.endpoint(), "account-key", wrongKey)));
    AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> store.head("x"));
    assertTrue(e.getMessage().contains("account-key"), e.getMessage());
    assertFalse(e.getMessage().contains(wrongKey), e.getMessage());
    assertFalse(e.getMessage().contains("****"), "the key never reached the message at all");
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t).contains(wrongKey), "cause leaks the key: " + t);
    }

    String cs = azurite.connectionString().replace(AzuriteServer.KEY, wrongKey);
    ObjectStore viaConnectionString =
        ObjectStores.open(
            "az://" + AzuriteServer.ACCOUNT + "/anything",
            StoreSettings.of(Map.of("connection-string", cs)));
    AccessDeniedException e2 =
        assertThrows(
            AccessDeniedException.class,
            () -> viaConnectionString.list(io.skyrelay.connectors.ListRequest.of("")));
    assertTrue(e2.getMessage().contains("connection-string"), e2.getMessage());
    assertFalse(e2.getMessage().contains(wrongKey), e2.getMessage());
  }

  @Test
  void aMissingContainerIsNamedInTheError() {
    ObjectStore store =
        ObjectStores.open(
            "az://" + AzuriteServer.ACCOUNT + "/no-such-container", azurite.settings());
    ObjectNotFoundException e =
        assertThrows(
            ObjectNotFoundException.class,
            () -> store.put("k", new ByteArrayInputStream(new byte[1]), 1, PutOptions.DEFAULT));
    assertTrue(e.getMessage().contains("no-such-container"), e.getMessage());
  }

  @Test
  void connectionStringsEndpointsAndSasTokensAreAccepted() throws Exception {
    AzureBlobObjectStore keyed = newContainer();
    String container = keyed.root().container();
    String uri = "az://" + AzuriteServer.ACCOUNT + "/" + container;
    put(keyed, "hello", "hi".getBytes(), PutOptions.DEFAULT);

    ObjectStore viaSetting =
        ObjectStores.open(
            uri, StoreSettings.of(Map.of("connection-string", azurite.connectionString())));
    assertArrayEquals("hi".getBytes(), readAll(viaSetting, "hello"));

    AzureBlobObjectStoreProvider provider = new AzureBlobObjectStoreProvider();
    ObjectStore viaEnvironment =
        provider.open(StoreUri.parse(uri), StoreSettings.EMPTY, azurite.connectionString());
    assertArrayEquals("hi".getBytes(), readAll(viaEnvironment, "hello"));

    InvalidStoreUriException mismatch =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                provider.open(
                    StoreUri.parse("az://otheraccount/" + container),
                    StoreSettings.of(Map.of("connection-string", azurite.connectionString())),
                    null));
    assertTrue(mismatch.getMessage().contains("otheraccount"), mismatch.getMessage());
    assertFalse(mismatch.getMessage().contains(AzuriteServer.KEY), mismatch.getMessage());

    // An emulator endpoint without the account in its path gets it appended.
    ObjectStore bareEndpoint =
        ObjectStores.open(
            uri,
            StoreSettings.of(
                Map.of(
                    "endpoint",
                    "http://127.0.0.1:" + azurite.port(),
                    "account-key",
                    AzuriteServer.KEY)));
    assertArrayEquals("hi".getBytes(), readAll(bareEndpoint, "hello"));

    BlobContainerClient admin = azurite.serviceClient().getBlobContainerClient(container);
    String sas =
        admin.generateSas(
            new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(1), BlobContainerSasPermission.parse("racwdl")));
    AzureBlobObjectStore viaSas =
        (AzureBlobObjectStore)
            ObjectStores.open(
                uri, StoreSettings.of(Map.of("endpoint", azurite.endpoint(), "sas-token", sas)));
    put(viaSas, "by-sas", "sas".getBytes(), PutOptions.DEFAULT);
    assertEquals(2, viaSas.listAllToList("").size());
    assertArrayEquals("sas".getBytes(), readAll(viaSas, "by-sas"));

    // A source that has only a SAS lends it to the target's part copies.
    AzureBlobObjectStore target = newContainer();
    MultipartUploads mp = target.multipart().orElseThrow();
    UploadHandle h = mp.begin("from-sas-source", PutOptions.DEFAULT);
    CompletedPart p = mp.copyPart(h, 1, viaSas, "by-sas", new ByteRange(0, 2), null);
    mp.complete(h, List.of(p));
    assertArrayEquals("sas".getBytes(), readAll(target, "from-sas-source"));
  }

  // ---- streaming ----------------------------------------------------------------------------

  @Test
  void readsOfA20MiBBlobStreamWithoutHoldingIt() throws Exception {
    AzureBlobObjectStore store = newContainer();
    byte[] data = randomBytes(20 << 20, 7);
    put(store, "big.bin", data, PutOptions.DEFAULT);
    String expectedMd5 = md5Hex(data);
    data = null;

    long before = usedHeapAfterGc();
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    long total;
    try (InputStream in = store.read("big.bin", null, null)) {
      byte[] first = new byte[64 << 10];
      int n = in.read(first);
      md5.update(first, 0, n);
      total = n;
      long held = usedHeapAfterGc() - before;
      assertTrue(
          held < (8 << 20),
          "after reading 64 KiB, " + (held >> 20) + " MiB more heap is in use: the read buffers");
      byte[] buf = new byte[64 << 10];
      while ((n = in.read(buf)) > 0) {
        md5.update(buf, 0, n);
        total += n;
      }
    }
    assertEquals(20 << 20, total);
    assertEquals(expectedMd5, HexFormat.of().formatHex(md5.digest()));
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Puts from a stream that cannot be reset or re-read, as replication sources give. */
  private static InputStream oneShot(byte[] data) {
    return new InputStream() {
      private int next;

      @Override
      public int read() {
        return next < data.length ? data[next++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (next >= data.length) {
          return -1;
        }
        int n = Math.min(len, data.length - next);
        System.arraycopy(data, next, b, off, n);
        next += n;
        return n;
      }
    };
  }

  @Test
  void putsStreamOneShotStreamsInOneRequestOrAsBlocksAndRecordTheMd5() throws Exception {
    AzureBlobObjectStore store = newContainer();
    byte[] small = randomBytes(300_000, 8);
    store.put("small", oneShot(small), small.length, PutOptions.DEFAULT);
    assertEquals(md5Hex(small), store.head("small").md5());

    store.setTransferLimits(1 << 20, 256 << 10, 256L << 20);
    byte[] large = randomBytes((3 << 20) + 5, 9);
    WriteResult w =
        store.put("large", oneShot(large), large.length, PutOptions.of("a/b", Map.of("k-1", "v")));
    ObjectInfo head = store.head("large");
    assertEquals(w.etag(), head.etag());
    assertEquals(large.length, head.size());
    assertEquals(md5Hex(large), head.md5());
    assertEquals("a/b", head.contentType());
    assertEquals(Map.of("k-1", "v"), head.metadata());
    assertArrayEquals(large, readAll(store, "large"));
    assertThrows(
        PreconditionFailedException.class,
        () ->
            store.put("large", oneShot(large), large.length, PutOptions.DEFAULT.withIfNoneMatch()));

    StoreException shortSource =
        assertThrows(
            StoreException.class,
            () -> store.put("short", oneShot(new byte[10]), 20, PutOptions.DEFAULT));
    assertTrue(shortSource.getMessage().contains("/short"), shortSource.getMessage());
    assertTrue(shortSource.getMessage().contains("number of bytes"), shortSource.getMessage());
  }

  // ---- multi-part bookkeeping ---------------------------------------------------------------

  @Test
  void pendingUploadsAreListedUntilCommitted() {
    AzureBlobObjectStore store = newContainer();
    MultipartUploads mp = store.multipart().orElseThrow();
    UploadHandle h = mp.begin("up/one", PutOptions.DEFAULT);
    CompletedPart p = mp.uploadPart(h, 1, new ByteArrayInputStream(new byte[] {1, 2}), 2);
    put(store, "up/committed", new byte[0], PutOptions.DEFAULT);

    List<UploadHandle> pending = mp.listPending("up/");
    assertEquals(1, pending.size(), () -> pending.toString());
    assertEquals("up/one", pending.get(0).key());
    assertEquals(h.uploadId(), pending.get(0).uploadId());
    assertEquals(List.of(), mp.listPending("other/"));

    mp.complete(h, List.of(p));
    assertEquals(List.of(), mp.listPending("up/"));
  }

  @Test
  void blockIdsHaveOneLengthAndCarryTheUploadId() {
    String upload = UUID.randomUUID().toString().replace("-", "");
    String first = AzureBlockUploads.blockId(upload, 1);
    String last = AzureBlockUploads.blockId(upload, AzureBlockUploads.MAX_PARTS);
    assertEquals(first.length(), last.length());
    assertEquals(upload, AzureBlockUploads.uploadIdOf(first));
    assertNull(AzureBlockUploads.uploadIdOf("QUJD"));
    assertThrows(IllegalArgumentException.class, () -> AzureBlockUploads.blockId(upload, 0));
    assertThrows(IllegalArgumentException.class, () -> AzureBlockUploads.blockId("x", 1));
  }

  // ---- deletes ------------------------------------------------------------------------------

  @Test
  void batchDeletesSpanSeveralBatchesAndIgnoreMissingKeys() {
    AzureBlobObjectStore store = newContainer();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String key = String.format("d/%03d", i);
      keys.add(key);
      put(store, key, new byte[] {(byte) i}, PutOptions.DEFAULT);
    }
    put(store, "keep", new byte[] {1}, PutOptions.DEFAULT);
    keys.add("d/missing");
    BatchDeleteResult r = store.deleteAll(keys);
    assertTrue(r.allDeleted(), () -> r.failed().toString());
    assertEquals(301, r.deleted());
    assertEquals(List.of("keep"), store.listAllToList("").stream().map(ObjectInfo::key).toList());
    assertEquals(Arrays.asList(), store.listAllToList("d/"));
  }
}
