package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreProvider;
import io.skyrelay.connectors.StoreSetting;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Opens S3 buckets. Settings, each falling back to the standard AWS configuration when absent:
 *
 * <ul>
 *   <li>{@code endpoint}: else {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}, else AWS
 *   <li>{@code region}: else {@code AWS_REGION} / the profile's region (on AWS also the instance's
 *       region), else {@code us-east-1}; looked up once per JVM
 *   <li>{@code access-key-id} + {@code secret-access-key} (+ {@code session-token}), or {@code
 *       profile}: else the default chain (environment, profiles, container and instance roles)
 *   <li>{@code path-style}: default true when an endpoint is overridden (what S3-compatible stores
 *       need), false on AWS
 *   <li>{@code max-connections}: HTTP connections per client, default 64
 *   <li>{@code sign-payload}: default false: request bodies are not hashed into the signature, also
 *       over plain HTTP (see {@link UnsignedPayloadAuthScheme}); true has the SDK sign every body,
 *       at about a tenth more client CPU on small objects
 *   <li>{@code direct-requests}: default true: GET, HEAD, PUT, DELETE and CopyObject of single
 *       objects go straight through the SDK's HTTP client and signer (see {@link S3Wire}); false
 *       sends them through the SDK client's full request pipeline. Ignored when {@code
 *       sign-payload} is true.
 *   <li>{@code storage-class}, {@code server-side-encryption} (with {@code sse-kms-key-id}), {@code
 *       acl}: sent with every write ({@link S3WriteSettings}); {@code requester-pays}: sent with
 *       every request
 * </ul>
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {

  private static final List<StoreSetting> SETTINGS =
      List.of(
          StoreSetting.string(
                  "endpoint", "URL of an S3-compatible server, such as http://127.0.0.1:9000")
              .withDefault("AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS"),
          StoreSetting.string("region", "the signing region (region-name in a stores file)")
              .withDefault("AWS_REGION, the profile's or instance's region, else us-east-1"),
          StoreSetting.bool(
              "path-style",
              "true with an endpoint, else false",
              "address buckets by path (http://host/bucket) rather than by host name"),
          StoreSetting.string(
              "access-key-id", "access key ID, used with secret-access-key (both or neither)"),
          StoreSetting.secret("secret-access-key", "secret access key of access-key-id"),
          StoreSetting.secret("session-token", "session token of temporary credentials"),
          StoreSetting.string("profile", "named profile of the AWS config and credentials files")
              .withDefault("the default credentials chain"),
          StoreSetting.integer("max-connections", "64", "HTTP connections per client"),
          StoreSetting.bool(
              "sign-payload",
              "false",
              "hash request bodies into the signature (about a tenth more CPU on small objects)"),
          StoreSetting.bool(
              "direct-requests",
              "true",
              "send single-object requests through the signer and HTTP client, not the SDK"
                  + " pipeline"),
          StoreSetting.oneOf(
              "storage-class",
              S3WriteSettings.STORAGE_CLASSES,
              "the bucket's default (STANDARD)",
              "storage class of the objects written"),
          StoreSetting.oneOf(
              "server-side-encryption",
              S3WriteSettings.ENCRYPTIONS,
              "the bucket's default encryption",
              "encrypt the objects written with S3-managed keys (AES256) or KMS keys (aws:kms)"),
          StoreSetting.string(
                  "sse-kms-key-id", "KMS key (ID, ARN or alias) of server-side-encryption aws:kms")
              .withDefault("the account's AWS managed key"),
          StoreSetting.oneOf(
              "acl",
              S3WriteSettings.ACLS,
              "none: the bucket's object ownership decides",
              "canned ACL of the objects written"),
          StoreSetting.bool(
              "requester-pays",
              "false",
              "read and write a requester-pays bucket, accepting its charges (x-amz-request-payer)"));

  @Override
  public String scheme() {
    return "s3";
  }

  @Override
  public List<StoreSetting> settings() {
    return SETTINGS;
  }

  @Override
  public ObjectStore open(StoreUri uri, StoreSettings settings) {
    Optional<String> endpoint =
        settings
            .get("endpoint")
            .or(() -> env("AWS_ENDPOINT_URL_S3"))
            .or(() -> env("AWS_ENDPOINT_URL"));
    S3ClientBuilder b = S3Client.builder();
    String identity;
    if (endpoint.isPresent()) {
      try {
        URI e = URI.create(endpoint.get());
        if (e.getScheme() == null || e.getHost() == null) {
          throw new IllegalArgumentException("no scheme or host");
        }
        b.endpointOverride(e);
      } catch (IllegalArgumentException bad) {
        throw new InvalidStoreUriException(
            "S3 endpoint '"
                + endpoint.get()
                + "' is not a URL; expected something like http://127.0.0.1:9000");
      }
    }
    b.forcePathStyle(settings.getBoolean("path-style", endpoint.isPresent()));
    b.region(region(settings, endpoint.isPresent()));
    AwsCredentialsProvider credentials;
    Optional<String> keyId = settings.get("access-key-id");
    if (keyId.isPresent()) {
      String secret =
          settings
              .get("secret-access-key")
              .orElseThrow(
                  () ->
                      new InvalidStoreUriException(
                          "store setting access-key-id is set for "
                              + uri
                              + " but secret-access-key is not; set both or neither"));
      credentials =
          StaticCredentialsProvider.create(
              settings
                  .get("session-token")
                  .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                      t -> AwsSessionCredentials.create(keyId.get(), secret, t))
                  .orElseGet(() -> AwsBasicCredentials.create(keyId.get(), secret)));
      identity = keyId.get();
    } else if (settings.get("profile").isPresent()) {
      credentials = ProfileCredentialsProvider.create(settings.get("profile").get());
      identity = "profile:" + settings.get("profile").get();
    } else {
      credentials = DefaultCredentialsProvider.builder().build();
      identity = "default";
    }
    b.credentialsProvider(credentials);
    int maxConnections = settings.getInt("max-connections", 64);
    SdkHttpClient http =
        ApacheHttpClient.builder()
            .maxConnections(maxConnections)
            // "Expect: 100-continue" costs a round trip per upload, and against servers that do
            // not answer it early (S3Proxy) a delayed-ACK wait of tens of milliseconds: small
            // objects would crawl. Errors still arrive, after the body.
            .expectContinueEnabled(false)
            .connectionTimeout(Duration.ofSeconds(10))
            // Servers close idle keep-alive connections after their own timeout (Jetty, under
            // S3Proxy and many S3-compatible stores, after 30 s); a pooled connection reused
            // after that fails with "the target server failed to respond", and an upload cannot
            // be retried from a stream that is already consumed. Retire idle connections first.
            .connectionMaxIdleTime(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60))
            .build();
    // Given as a built client, the SDK does not close it: the store does.
    b.httpClient(http);
    // Retries of throttled and failed calls are done by the connector's Retrier, once, with
    // jitter; SDK retries on top of them would multiply the attempts.
    S3WriteSettings writes = S3WriteSettings.of(settings, uri);
    b.overrideConfiguration(
        o -> {
          o.retryPolicy(RetryPolicy.none());
          if (writes.requesterPays()) {
            o.putHeader("x-amz-request-payer", "requester");
          }
        });
    // S3-compatible stores differ in their support of the newer flexible checksums; end-to-end
    // verification is done by the replication job, so only send checksums where S3 requires them.
    b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
    b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    boolean signPayload = settings.getBoolean("sign-payload", false);
    if (!signPayload) {
      b.putAuthScheme(new UnsignedPayloadAuthScheme());
    }
    Region region = region(settings, endpoint.isPresent());
    boolean pathStyle = settings.getBoolean("path-style", endpoint.isPresent());
    S3Wire wire =
        !signPayload && settings.getBoolean("direct-requests", true)
            ? new S3Wire(
                http, credentials, region, endpoint.orElse(null), pathStyle, writes.requesterPays())
            : null;
    return new S3ObjectStore(
        uri.container(),
        b.build(),
        endpoint.orElse("aws") + "|" + identity,
        true,
        wire,
        http,
        writes);
  }

  /** The region found without a setting, by whether the endpoint is custom; once per JVM. */
  private static final Map<Boolean, Region> DEFAULT_REGIONS = new ConcurrentHashMap<>();

  private static Region region(StoreSettings settings, boolean customEndpoint) {
    Optional<String> r = settings.get("region");
    if (r.isPresent()) {
      return Region.of(r.get());
    }
    return DEFAULT_REGIONS.computeIfAbsent(customEndpoint, S3ObjectStoreProvider::defaultRegion);
  }

  /**
   * {@code AWS_REGION} (or {@code aws.region}), else the profile's region, else, on AWS only, the
   * instance's region from the metadata service, else {@code us-east-1}. An S3-compatible endpoint
   * does not ask the metadata service: off EC2 that call waits for its timeout (most of a second),
   * and the region only names the signing scope there.
   */
  static Region defaultRegion(boolean customEndpoint) {
    AwsRegionProvider chain =
        customEndpoint
            ? new AwsRegionProviderChain(
                new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
            : new DefaultAwsRegionProviderChain();
    try {
      return chain.getRegion();
    } catch (RuntimeException none) {
      return Region.US_EAST_1;
    }
  }

  /** Forgets the regions looked up so far (tests). */
  static void forgetDefaultRegions() {
    DEFAULT_REGIONS.clear();
  }

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
  }
}
