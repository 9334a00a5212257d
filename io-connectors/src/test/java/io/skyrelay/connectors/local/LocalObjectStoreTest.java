package io.skyrelay.connectors.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest {

  @TempDir Path root;

  @Test
  void keysThatWouldEscapeTheRootAreRefused() {
    LocalObjectStore store = new LocalObjectStore(root.resolve("store"));
    for (String key : List.of("../outside", "a/../../outside", "/etc/passwd", "a/./b", "a//b")) {
      InvalidKeyException e =
          assertThrows(
              InvalidKeyException.class,
              () -> store.put(key, new ByteArrayInputStream(new byte[1]), 1, PutOptions.DEFAULT),
              key);
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
    assertThrows(InvalidKeyException.class, () -> store.head(".skyrelay/meta/x"));
    assertFalse(Files.exists(root.resolve("outside")));
  }

  @Test
  void aFailedWriteLeavesTheOldObjectWhole() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    byte[] old = "old content".getBytes(StandardCharsets.UTF_8);
    store.put("k", new ByteArrayInputStream(old), old.length, PutOptions.DEFAULT);
    InputStream failing =
        new InputStream() {
          int n;

          @Override
          public int read() throws IOException {
            if (n++ > 1000) {
              throw new IOException("source connection reset");
            }
            return 'x';
          }
        };
    assertThrows(StoreException.class, () -> store.put("k", failing, 5000, PutOptions.DEFAULT));
    try (InputStream in = store.read("k", null, null)) {
      assertArrayEquals(old, in.readAllBytes());
    }
    try (var tmp = Files.list(root.resolve(".skyrelay/tmp"))) {
      assertEquals(0, tmp.count(), "temporary files are cleaned up");
    }
  }

  @Test
  void metadataIsKeptBesideTheObjectAndFilesKeepTheirNames() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    store.put(
        "dir/a file.txt",
        new ByteArrayInputStream(data),
        5,
        PutOptions.of("text/plain", Map.of("k", "v")));
    assertArrayEquals(data, Files.readAllBytes(root.resolve("dir/a file.txt")));
    assertTrue(Files.isRegularFile(root.resolve(".skyrelay/meta/dir/a file.txt")));
    assertEquals(Map.of("k", "v"), store.head("dir/a file.txt").metadata());
  }

  @Test
  void filesChangedBehindTheStoresBackGetANewEtag() throws IOException {
    LocalObjectStore store = new LocalObjectStore(root);
    byte[] data = "v1".getBytes(StandardCharsets.UTF_8);
    String etag = store.put("f", new ByteArrayInputStream(data), 2, PutOptions.DEFAULT).etag();
    Files.writeString(root.resolve("f"), "changed by hand");
    assertFalse(etag.equals(store.head("f").etag()));
    assertEquals(null, store.head("f").md5());
  }
}
