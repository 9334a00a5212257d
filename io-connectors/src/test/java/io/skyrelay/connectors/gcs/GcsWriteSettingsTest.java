package io.skyrelay.connectors.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.sun.net.httpserver.HttpServer;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreSettings;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Store settings {@code storage-class} and {@code requester-pays}. The class is checked on
 * google-cloud-nio's in-memory fake of the client (the emulators here keep no class); the billing
 * project on a plain HTTP server that records what the client sends, as no emulator checks it.
 */
class GcsWriteSettingsTest {

  @Test
  void writesAndCopiesGetTheStorageClass() {
    Storage fake = LocalStorageHelper.customOptions(false).getService();
    try (ObjectStore s =
        new GcsObjectStore(
            fake, "classes", "fake", false, Retrier.DEFAULT, StorageClass.valueOf("NEARLINE"))) {
      byte[] bytes = "cold".getBytes(StandardCharsets.UTF_8);
      s.put("put", new ByteArrayInputStream(bytes), bytes.length, PutOptions.DEFAULT);
      s.serverSideCopy().orElseThrow().copy(s, "put", "copy", null, Map.of());
      assertEquals("NEARLINE", s.head("put").storageClass());
      assertEquals("NEARLINE", s.head("copy").storageClass());
    }
  }

  @Test
  void theSettingIsDeclaredWithTheClasses() {
    InvalidStoreUriException e =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                ObjectStores.open(
                    "gs://bkt",
                    StoreSettings.of(
                        Map.of("endpoint", "127.0.0.1:1", "storage-class", "GLACIER"))));
    assertTrue(
        e.getMessage()
            .contains("storage-class expects one of STANDARD, NEARLINE, COLDLINE, ARCHIVE"),
        e.getMessage());
  }

  @Test
  void requesterPaysBillsTheProjectOnEveryRequest() throws Exception {
    List<String> billed = new CopyOnWriteArrayList<>();
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext(
        "/",
        exchange -> {
          billed.add(String.valueOf(exchange.getRequestHeaders().getFirst("x-goog-user-project")));
          byte[] body = "{\"kind\":\"storage#objects\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    fake.start();
    String endpoint = "127.0.0.1:" + fake.getAddress().getPort();
    try {
      try (ObjectStore s =
          ObjectStores.open(
              "gs://paid",
              StoreSettings.of(
                  Map.of(
                      "endpoint", endpoint, "project-id", "payer-1", "requester-pays", "true")))) {
        assertEquals(List.of(), s.listAllToList("data/"));
      }
      assertEquals(List.of("payer-1"), billed);
      billed.clear();
      try (ObjectStore s =
          ObjectStores.open(
              "gs://paid", StoreSettings.of(Map.of("endpoint", endpoint, "project-id", "p")))) {
        s.listAllToList("data/");
      }
      assertEquals(List.of("null"), billed, "billed without requester-pays");
    } finally {
      fake.stop(0);
    }
    InvalidStoreUriException e =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                ObjectStores.open(
                    "gs://paid",
                    StoreSettings.of(Map.of("endpoint", endpoint, "requester-pays", "true"))));
    assertTrue(e.getMessage().contains("requester-pays needs project-id"), e.getMessage());
  }
}
