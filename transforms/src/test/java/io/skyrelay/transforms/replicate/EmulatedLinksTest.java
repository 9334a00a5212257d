package io.skyrelay.transforms.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.ThrottledObjectStore;
import io.skyrelay.connectors.local.LocalObjectStore;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulatedLinksTest {

  private static final double MIB = 1 << 20;

  @TempDir Path tmp;

  private static double secondsToRead(ObjectStore store, String key) throws IOException {
    long start = System.nanoTime();
    try (InputStream in = store.read(key, null, null)) {
      in.readAllBytes();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private LocalObjectStore storeWithOneMiB(String key) {
    LocalObjectStore store = new LocalObjectStore(tmp.resolve("a"));
    byte[] data = new byte[1 << 20];
    store.put(key, new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    return store;
  }

  @Test
  void aStoreIsReadAtTheRateOfTheLinkToWhereTheBytesGo() throws IOException {
    LocalObjectStore a = storeWithOneMiB("k");
    EmulatedLinks links =
        new EmulatedLinks(Map.of("test:a>test:b", 2 * MIB, "test:a>test:c", 64 * MIB));
    // 1 MiB over a 2 MiB/s link: half a second, less the 50 ms burst an idle link allows.
    assertTrue(secondsToRead(links.readFor(a, "test:a", "test:b"), "k") >= 0.44);
    assertTrue(secondsToRead(links.readFor(a, "test:a", "test:c"), "k") < 0.44);
  }

  @Test
  void aRegionsEgressLimitsEveryLinkOutOfIt() throws IOException {
    LocalObjectStore a = storeWithOneMiB("k");
    EmulatedLinks links = new EmulatedLinks(Map.of("test:e>test:f", 64 * MIB, "test:e>*", 2 * MIB));
    assertTrue(secondsToRead(links.readFor(a, "test:e", "test:f"), "k") >= 0.44);
    assertTrue(secondsToRead(links.readFor(a, "test:e", "test:g"), "k") >= 0.44);
  }

  @Test
  void storesWithoutALinkAreReadAsTheyAre() {
    LocalObjectStore a = new LocalObjectStore(tmp.resolve("a"));
    EmulatedLinks links = new EmulatedLinks(Map.of("test:h>test:i", MIB));
    assertSame(a, links.readFor(a, "test:h", "test:h"));
    assertSame(a, links.readFor(a, "test:i", "test:h"));
    assertSame(a, links.readFor(a, null, "test:i"));
    assertInstanceOf(ThrottledObjectStore.class, links.readFor(a, "test:h", "test:i"));
    assertSame(a, StoreViews.PLAIN.readFor(a, "test:h", "test:i"));
  }

  @Test
  void aCopyOverAnEmulatedLinkStreamsTheBytesThoughTheStoresCouldCopyServerSide()
      throws IOException {
    LocalObjectStore src = new LocalObjectStore(tmp.resolve("src"));
    LocalObjectStore dst = new LocalObjectStore(tmp.resolve("dst"));
    byte[] data = new byte[256 << 10];
    new Random(5).nextBytes(data);
    src.put("k", new ByteArrayInputStream(data), data.length, PutOptions.DEFAULT);
    StoreLocation from =
        new StoreLocation(
            StoreUri.parse(tmp.resolve("src").toUri().toString()), StoreSettings.EMPTY, "test:j");
    StoreLocation to =
        new StoreLocation(
            StoreUri.parse(tmp.resolve("dst").toUri().toString()), StoreSettings.EMPTY, "test:k");
    ObjectStore view =
        new EmulatedLinks(Map.of("test:j>test:k", MIB)).readFor(src, "test:j", "test:k");
    ObjectCopier copier = new ObjectCopier(view, from, dst, to, true);

    assertTrue(new ObjectCopier(src, from, dst, to, true).copiesServerSide(data.length));
    ObjectEntry entry = ObjectEntry.of(src.head("k"), "");
    long start = System.nanoTime();
    assertEquals("streamed", copier.copyWhole(entry).method());
    assertTrue((System.nanoTime() - start) / 1e9 >= 0.19);
    try (InputStream in = dst.read("k", null, null)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }
}
