package io.skyrelay.connectors.gcs;

import io.skyrelay.connectors.StoreSettings;
import java.io.BufferedReader;
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

/**
 * The Firebase Storage emulator (npm {@code firebase-tools}, installed under {@code
 * io-connectors/gcs-emulator}) as a process on a free loopback port, serving part of the GCS JSON
 * API.
 */
public final class GcsEmulatorServer implements AutoCloseable {

  private final Process process;
  private final int port;

  private GcsEmulatorServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Why the emulator cannot start here (not installed, no Node.js), or empty when it can. */
  public static Optional<String> unavailable(Path dir) {
    if (!Files.isDirectory(dir.resolve("node_modules/firebase-tools"))) {
      return Optional.of(
          "the Firebase Storage emulator is not installed: npm ci --prefix io-connectors/gcs-emulator");
    }
    if (node().isEmpty()) {
      return Optional.of("Node.js is not on the PATH; the GCS emulator needs it");
    }
    return Optional.empty();
  }

  /**
   * Starts the emulator from {@code dir} (the gcs-emulator folder) and waits for its READY line.
   */
  public static GcsEmulatorServer start(Path dir) throws Exception {
    unavailable(dir)
        .ifPresent(
            why -> {
              throw new IllegalStateException(why);
            });
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                node().orElseThrow(),
                dir.resolve("start-storage-emulator.js").toString(),
                Integer.toString(port))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    awaitReady(p);
    return new GcsEmulatorServer(p, port);
  }

  /** Settings that point the GCS connector at this emulator. */
  public StoreSettings settings() {
    return StoreSettings.of(Map.of("endpoint", "http://127.0.0.1:" + port));
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
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
