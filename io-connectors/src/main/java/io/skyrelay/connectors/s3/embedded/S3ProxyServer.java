package io.skyrelay.connectors.s3.embedded;

import io.skyrelay.connectors.NativeDigests;
import io.skyrelay.connectors.StoreSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3Proxy server in this JVM on a free loopback port, with AWS v2/v4 authentication: a real S3
 * HTTP endpoint for tests, backed by memory ({@code transient}) or a folder ({@code filesystem}).
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String ACCESS_KEY = "skyrelay-test-access";
  public static final String SECRET_KEY = "skyrelay-test-secret-Zq81kP0w";

  private final S3Proxy proxy;
  private final URI endpoint;

  private S3ProxyServer(S3Proxy proxy, URI endpoint) {
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  /** Starts a server whose objects live in memory. */
  public static S3ProxyServer startInMemory() throws Exception {
    return start("transient", null, "127.0.0.1");
  }

  /**
   * Starts a server whose objects live in memory, listening on {@code address} (one of this host's,
   * such as a network namespace's end of a veth pair) instead of loopback.
   */
  public static S3ProxyServer startInMemory(String address) throws Exception {
    return start("transient", null, address);
  }

  /** Starts a server whose objects live under {@code dir}. */
  public static S3ProxyServer startOnDisk(Path dir) throws Exception {
    return start("filesystem", dir, "127.0.0.1");
  }

  private static S3ProxyServer start(String provider, Path dir, String address) throws Exception {
    // Before its own S3 client: the SDK keeps, per thread, the first SHA-256 it gets.
    NativeDigests.install();
    Properties props = new Properties();
    if (dir != null) {
      Files.createDirectories(dir);
      props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
    }
    props.setProperty("jclouds.identity", ACCESS_KEY);
    props.setProperty("jclouds.credential", SECRET_KEY);
    BlobStore blobStore = BlobStores.create(provider, props);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://" + address + ":0"))
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
      }
      Thread.sleep(5);
    }
    return new S3ProxyServer(proxy, URI.create("http://" + address + ":" + proxy.getPort()));
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Store settings that reach this server. */
  public StoreSettings settings() {
    return StoreSettings.of(
        Map.of(
            "endpoint",
            endpoint.toString(),
            "region",
            "us-east-1",
            "access-key-id",
            ACCESS_KEY,
            "secret-access-key",
            SECRET_KEY));
  }

  /** A plain SDK client for test set-up (creating buckets). */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  public void createBucket(String bucket) {
    try (S3Client c = client()) {
      c.createBucket(b -> b.bucket(bucket));
    }
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop cleanly: " + e, e);
    }
  }
}
