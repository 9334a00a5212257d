package io.skyrelay.connectors.swift;

import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreProvider;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreSetting;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Opens {@code swift://account/container} locations, where the account is as in the storage URL
 * ({@code AUTH_test}). Credentials are those python-swiftclient users have: the settings {@code
 * auth-url}, {@code user} and {@code key}, each falling back to {@code ST_AUTH}, {@code ST_USER}
 * and {@code ST_KEY}, for Swift's v1.0 authentication (tempauth). Keystone v3 ({@code OS_*}) is not
 * supported yet.
 */
public final class SwiftObjectStoreProvider implements ObjectStoreProvider {

  static final long DEFAULT_SEGMENT_SIZE = 64L << 20;
  static final int DEFAULT_SEGMENT_PARALLELISM = 4;

  private static final List<StoreSetting> SETTINGS =
      List.of(
          StoreSetting.string(
                  "auth-url", "Swift v1.0 auth endpoint, such as http://host:8080/auth/v1.0")
              .withDefault("ST_AUTH"),
          StoreSetting.string("user", "Swift user, account:user for tempauth")
              .withDefault("ST_USER"),
          StoreSetting.secret("key", "the Swift user's key (password)").withDefault("ST_KEY"),
          StoreSetting.size(
              "segment-size",
              "64MiB",
              "objects larger than this are written as static large objects of segments this size"),
          StoreSetting.integer(
              "segment-parallelism",
              Integer.toString(DEFAULT_SEGMENT_PARALLELISM),
              "segments of one large object uploaded at once (each held in memory)"));

  @Override
  public String scheme() {
    return "swift";
  }

  @Override
  public List<StoreSetting> settings() {
    return SETTINGS;
  }

  @Override
  public ObjectStore open(StoreUri uri, StoreSettings settings) {
    return open(uri, settings, System.getenv());
  }

  static ObjectStore open(StoreUri uri, StoreSettings settings, Map<String, String> env) {
    String authUrl = setting(settings, "auth-url", env, "ST_AUTH");
    String user = setting(settings, "user", env, "ST_USER");
    String key = setting(settings, "key", env, "ST_KEY");
    if (authUrl == null || user == null || key == null) {
      String keystone =
          env.containsKey("OS_AUTH_URL")
              ? " (OS_AUTH_URL is set, but Keystone v3 authentication is not supported yet; use"
                  + " the cluster's v1.0 endpoint)"
              : "";
      throw new InvalidStoreUriException(
          uri
              + ": Swift needs an auth URL, a user and a key: set the store settings auth-url,"
              + " user and key, or ST_AUTH, ST_USER and ST_KEY"
              + keystone);
    }
    long segmentSize =
        settings.get("segment-size").map(StoreSetting::parseSize).orElse(DEFAULT_SEGMENT_SIZE);
    if (segmentSize < 1 || segmentSize > SwiftLargeObjects.MAX_SEGMENT_SIZE) {
      throw new InvalidStoreUriException(
          uri + ": segment-size must be between 1 byte and 5GiB, Swift's largest object");
    }
    int parallelism = settings.getInt("segment-parallelism", DEFAULT_SEGMENT_PARALLELISM);
    if (parallelism < 1) {
      throw new InvalidStoreUriException(uri + ": segment-parallelism must be at least 1");
    }
    URI auth;
    try {
      auth = URI.create(authUrl.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidStoreUriException(
          uri + ": auth-url '" + authUrl + "' is not a URL, such as http://host:8080/auth/v1.0");
    }
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    return new SwiftObjectStore(
        http,
        new SwiftAuth(http, auth, user, key, uri.account()),
        uri,
        segmentSize,
        parallelism,
        Retrier.DEFAULT);
  }

  private static String setting(
      StoreSettings settings, String name, Map<String, String> env, String variable) {
    return settings
        .get(name)
        .orElseGet(
            () -> {
              String v = env.get(variable);
              return v == null || v.isBlank() ? null : v;
            });
  }
}
