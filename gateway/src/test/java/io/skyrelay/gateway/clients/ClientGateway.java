package io.skyrelay.gateway.clients;

import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.AccessKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The demo's gateway (two regions over folders, a {@code replicate-all} bucket {@code demo}, one
 * access key), started for one test class, with what the client tests check on its folders.
 */
final class ClientGateway implements AutoCloseable {

  static final String EAST = "local:east";
  static final String WEST = "local:west";
  static final String BUCKET = "demo";

  private final Path dir;
  private final Gateway gateway;
  private final AccessKey key;

  private ClientGateway(Path dir, Gateway gateway) {
    this.dir = dir;
    this.gateway = gateway;
    this.key = gateway.config().accessKeys().get(0);
  }

  static ClientGateway start(Path dir) throws Exception {
    GatewayConfig config = Gateway.demoConfig(dir);
    return new ClientGateway(dir, Gateway.start(config));
  }

  URI east() {
    return gateway.endpoint(EAST);
  }

  URI west() {
    return gateway.endpoint(WEST);
  }

  String keyId() {
    return key.id();
  }

  String secret() {
    return key.secret();
  }

  Gateway gateway() {
    return gateway;
  }

  /** The folder holding region {@code east} or {@code west}'s copies of the demo bucket. */
  Path bucketFolder(String region) {
    return dir.resolve(region.equals(EAST) ? "east" : "west").resolve(BUCKET);
  }

  /** The folder every region's copies are under (nothing is ever written outside it). */
  Path root() {
    return dir;
  }

  /** Waits until the ready version of {@code key} has a ready copy in every region. */
  void awaitReplicated(String objectKey) throws InterruptedException {
    await(
        objectKey + " to be copied to both regions",
        () ->
            gateway
                    .namespace()
                    .readyVersion(BUCKET, objectKey)
                    .map(v -> v.copies().size())
                    .orElse(0)
                == 2);
  }

  /**
   * The files holding copies of {@code key} in a region's folder (a copy's name is key~version).
   */
  List<Path> copiesOf(String region, String objectKey) {
    Path folder = bucketFolder(region);
    Path parent = folder.resolve(objectKey).getParent();
    String name = Path.of(objectKey).getFileName().toString() + "~";
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(p -> p.getFileName().toString().startsWith(name)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** An AWS SDK client of region {@code east}, to set up what a client test then reads. */
  S3Client sdk() {
    return S3Client.builder()
        .endpointOverride(east())
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(key.id(), key.secret())))
        .build();
  }

  /** Writes {@code keys} (a few bytes each) through region east, eight at a time. */
  void seed(List<String> keys) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (S3Client s3 = sdk()) {
      List<Future<?>> writes = new ArrayList<>();
      for (String k : keys) {
        writes.add(
            pool.submit(
                () -> s3.putObject(b -> b.bucket(BUCKET).key(k), RequestBody.fromString(k))));
      }
      for (Future<?> f : writes) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Override
  public void close() {
    gateway.close();
  }
}
