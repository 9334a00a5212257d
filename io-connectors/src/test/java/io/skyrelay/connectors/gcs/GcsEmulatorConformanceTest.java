package io.skyrelay.connectors.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.UploadHandle;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for the GCS connector over HTTP, against the Firebase Storage emulator (npm
 * {@code firebase-tools}), which serves part of the GCS JSON API: the official client's real
 * requests, URL encoding, resumable uploads, ranged downloads, paged listings and MD5s. Started
 * from {@code gcs-emulator/} (see {@code start-storage-emulator.js} there); when it is not
 * installed ({@code npm ci --prefix io-connectors/gcs-emulator}) every test is reported as skipped.
 */
class GcsEmulatorConformanceTest extends ObjectStoreConformanceTest {

  private static final Path DIR = Path.of("gcs-emulator").toAbsolutePath();

  private Process emulator;

  @Override
  protected ObjectStore openStore() throws Exception {
    Path script = DIR.resolve("start-storage-emulator.js");
    assumeTrue(
        Files.isDirectory(DIR.resolve("node_modules/firebase-tools")),
        "the Firebase Storage emulator is not installed: npm ci --prefix io-connectors/gcs-emulator");
    Optional<String> node = node();
    assumeTrue(node.isPresent(), "Node.js is not on the PATH; the GCS emulator needs it");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    emulator =
        new ProcessBuilder(node.get(), script.toString(), Integer.toString(port))
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .start();
    awaitReady(emulator);
    return ObjectStores.open(
        "gs://conformance", StoreSettings.of(Map.of("endpoint", "http://127.0.0.1:" + port)));
  }

  /** Waits for the script's READY line, then keeps draining its output so it never blocks. */
  private static void awaitReady(Process p) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    CompletableFuture<Boolean> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith("READY")) {
                    return true;
                  }
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              return false;
            });
    boolean up;
    try {
      up = ready.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      up = false;
    }
    if (!up) {
      p.destroyForcibly();
      synchronized (lines) {
        throw new IllegalStateException(
            "the GCS emulator did not start within 60 s:\n" + String.join("\n", lines));
      }
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // discard
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "gcs-emulator-output");
    drain.setDaemon(true);
    drain.start();
  }

  private static Optional<String> node() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "node");
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate.toString());
        }
      }
    }
    return Optional.empty();
  }

  @Override
  protected void stopServer() throws Exception {
    if (emulator != null) {
      emulator.destroy();
      if (!emulator.waitFor(10, TimeUnit.SECONDS)) {
        emulator.destroyForcibly();
      }
    }
  }

  // GCS-specific checks that need a server rather than the in-memory fake.

  @Test
  void uploadedPartsStayHiddenAndAbortRemovesThem() {
    MultipartUploads mp = store.multipart().orElseThrow();
    UploadHandle h = mp.begin(base + "big.bin", PutOptions.of("video/mp4", Map.of("k", "v")));
    mp.uploadPart(h, 1, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
    mp.uploadPart(h, 2, new ByteArrayInputStream(new byte[] {4}), 1);
    assertEquals(List.of(h), mp.listPending(base));
    assertTrue(
        store.listAllToList("").stream()
            .noneMatch(o -> o.key().startsWith(GcsObjectStore.UPLOADS_PREFIX)),
        "parts are not listed");
    assertThrows(ObjectNotFoundException.class, () -> store.head(base + "big.bin"));
    mp.abort(h);
    assertEquals(List.of(), mp.listPending(""));
  }

  @Test
  void aSourceShorterThanItsLengthLeavesNothingVisible() {
    byte[] data = randomBytes(1000, 9);
    String key = base + "short.bin";
    assertThrows(
        StoreException.class,
        () -> store.put(key, new ByteArrayInputStream(data), 5000, PutOptions.DEFAULT));
    assertThrows(ObjectNotFoundException.class, () -> store.head(key));
  }

  @Test
  void theEtagIsTheGenerationAndTheMd5IsHex() {
    byte[] data = "hello world".getBytes(StandardCharsets.UTF_8);
    String key = base + "gen";
    String etag = put(key, data).etag();
    ObjectInfo head = store.head(key);
    assertEquals(etag, head.etag());
    Long.parseLong(etag);
    assertEquals("5eb63bbbe01eeed093cb22bb8f5acdc3", head.md5());
    assertEquals("STANDARD", head.storageClass());
    assertArrayEquals(data, readAll(key));
  }

  @Override
  protected Optional<String> serverGap(Feature feature) {
    return Optional.ofNullable(
        switch (feature) {
          case MULTIPART -> "the Firebase Storage emulator does not implement compose (501)";
          case CONDITIONAL_READ ->
              "the Firebase Storage emulator ignores ifGenerationMatch on downloads";
          case CONDITIONAL_CREATE ->
              "the Firebase Storage emulator ignores ifGenerationMatch=0 on uploads and overwrites";
          default -> null;
        });
  }
}
