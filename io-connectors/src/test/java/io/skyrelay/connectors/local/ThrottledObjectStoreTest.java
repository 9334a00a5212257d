package io.skyrelay.connectors.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.Capability;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.ThrottledObjectStore;
import io.skyrelay.connectors.UploadHandle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrottledObjectStoreTest {

  private static final int MIB = 1 << 20;

  @TempDir Path tmp;

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(3).nextBytes(b);
    return b;
  }

  private static double secondsToRead(InputStream in, byte[] expected) throws IOException {
    long start = System.nanoTime();
    try (in) {
      assertArrayEquals(expected, in.readAllBytes());
    }
    return (System.nanoTime() - start) / 1e9;
  }

  @Test
  void readsAreSlowedToTheRate() throws IOException {
    LocalObjectStore local = new LocalObjectStore(tmp);
    byte[] data = bytes(MIB);
    local.put("k", new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    var store = new ThrottledObjectStore(local, List.of(new ThrottledObjectStore.Rate(2 * MIB)));
    // 1 MiB at 2 MiB/s: half a second, less the 50 ms burst an idle rate allows.
    assertTrue(secondsToRead(store.read("k", null, null), data) >= 0.44);
    try (ObjectContent c = store.open("k", null, null)) {
      assertEquals(data.length, c.info().size());
      assertTrue(secondsToRead(c.stream(), data) >= 0.44);
    }
  }

  @Test
  void storesSharingARateShareItsBytes() throws IOException {
    LocalObjectStore local = new LocalObjectStore(tmp);
    byte[] data = bytes(MIB / 2);
    local.put("a", new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    ThrottledObjectStore.Rate link = new ThrottledObjectStore.Rate(2 * MIB);
    var one = new ThrottledObjectStore(local, List.of(link));
    var two = new ThrottledObjectStore(local, List.of(link));
    long start = System.nanoTime();
    secondsToRead(one.read("a", null, null), data);
    secondsToRead(two.read("a", null, null), data);
    // 1 MiB in all through one 2 MiB/s rate.
    assertTrue((System.nanoTime() - start) / 1e9 >= 0.44);
  }

  @Test
  void writesAndPartsAreSlowedAndStoredExactly() throws IOException {
    LocalObjectStore local = new LocalObjectStore(tmp);
    var store = new ThrottledObjectStore(local, List.of(new ThrottledObjectStore.Rate(2 * MIB)));
    byte[] data = bytes(MIB);
    long start = System.nanoTime();
    store.put("w", new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    assertTrue((System.nanoTime() - start) / 1e9 >= 0.44);
    MultipartUploads mp = store.multipart().orElseThrow();
    UploadHandle upload = mp.begin("m", PutOptions.DEFAULT);
    start = System.nanoTime();
    var part = mp.uploadPart(upload, 1, new ByteArrayInputStream(data), data.length);
    assertTrue((System.nanoTime() - start) / 1e9 >= 0.44);
    mp.complete(upload, List.of(part));
    try (InputStream in = local.read("w", null, null)) {
      assertArrayEquals(data, in.readAllBytes());
    }
    try (InputStream in = local.read("m", null, null)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void offersNoCopyThatWouldBypassTheRate() {
    LocalObjectStore local = new LocalObjectStore(tmp.resolve("a"));
    LocalObjectStore other = new LocalObjectStore(tmp.resolve("b"));
    var store = new ThrottledObjectStore(local, List.of(new ThrottledObjectStore.Rate(MIB)));
    assertTrue(Capability.of(local).contains(Capability.SERVER_SIDE_COPY));
    assertTrue(other.serverSideCopy().orElseThrow().canCopyFrom(local));

    assertTrue(store.serverSideCopy().isEmpty());
    assertFalse(Capability.of(store).contains(Capability.SERVER_SIDE_COPY));
    assertFalse(Capability.of(store).contains(Capability.PART_COPY));
    assertFalse(store.multipart().orElseThrow().canCopyPartFrom(other));
    // A connector asked to copy from the throttled store sees a store not its own: it streams.
    assertFalse(other.serverSideCopy().orElseThrow().canCopyFrom(store));
    assertFalse(other.multipart().orElseThrow().canCopyPartFrom(store));
    assertEquals(
        local.multipart().orElseThrow().partLimits(), store.multipart().get().partLimits());
  }
}
