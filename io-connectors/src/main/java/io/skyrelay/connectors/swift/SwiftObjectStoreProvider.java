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
 * ({@code AUTH_test}, or {@code AUTH_<project id>} under Keystone). Credentials are those
 * python-swiftclient users have: Swift's v1.0 authentication (tempauth) with the settings {@code
 * auth-url}, {@code user} and {@code key}, each falling back to {@code ST_AUTH}, {@code ST_USER}
 * and {@code ST_KEY}; or Keystone v3 password authentication when the auth URL ends in {@code /v3}
 * (or {@code auth-version} is 3, or only {@code OS_AUTH_URL} is set), with the user, key, project
 * and domains from the settings or from {@code OS_USERNAME}, {@code OS_PASSWORD}, {@code
 * OS_PROJECT_NAME}, {@code OS_USER_DOMAIN_NAME} and {@code OS_PROJECT_DOMAIN_NAME}.
 */
public final class SwiftObjectStoreProvider implements ObjectStoreProvider {

  static final long DEFAULT_SEGMENT_SIZE = 64L << 20;
  static final int DEFAULT_SEGMENT_PARALLELISM = 4;

  private static final List<StoreSetting> SETTINGS =
      List.of(
          StoreSetting.string(
                  "auth-url",
                  "Swift v1.0 auth endpoint, such as http://host:8080/auth/v1.0, or Keystone's v3"
                      + " endpoint, such as http://keystone:5000/v3")
              .withDefault("ST_AUTH, else OS_AUTH_URL"),
          StoreSetting.oneOf(
              "auth-version",
              List.of("1", "3"),
              "",
              "1 for Swift's v1.0 auth (tempauth), 3 for Keystone v3; by default 3 when the auth"
                  + " URL ends in /v3 or comes from OS_AUTH_URL"),
          StoreSetting.string("user", "Swift user, account:user for tempauth")
              .withDefault("ST_USER (v1), OS_USERNAME (v3)"),
          StoreSetting.secret("key", "the Swift user's key (password)")
              .withDefault("ST_KEY (v1), OS_PASSWORD (v3)"),
          StoreSetting.string("project", "Keystone v3: the project the token is scoped to")
              .withDefault("OS_PROJECT_NAME"),
          StoreSetting.string("user-domain", "Keystone v3: the user's domain name")
              .withDefault("OS_USER_DOMAIN_NAME, else Default"),
          StoreSetting.string("project-domain", "Keystone v3: the project's domain name")
              .withDefault("OS_PROJECT_DOMAIN_NAME, else Default"),
          StoreSetting.string(
                  "region-name", "Keystone v3: the catalog region of the object-store endpoint")
              .withDefault("OS_REGION_NAME, else the first"),
          StoreSetting.oneOf(
              "endpoint-interface",
              List.of("public", "internal", "admin"),
              "public",
              "Keystone v3: which of the catalog's object-store endpoints to use"),
          StoreSetting.size(
              "segment-size",
              "64MiB",
              "objects larger than this are written as static large objects of segments this size"),
          StoreSetting.integer(
              "segment-parallelism",
              Integer.toString(DEFAULT_SEGMENT_PARALLELISM),
              "segments of one large object uploaded at once (each held in memory)"),
          StoreSetting.bool(
              "leave-segments",
              "false",
              "keep the segments of a large object that a write replaces or a batch delete"
                  + " removes (skips a HEAD before each write), as the swift CLI's"
                  + " --leave-segments"));

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
    boolean fromOs = false;
    if (authUrl == null && setting(StoreSettings.EMPTY, "auth-url", env, "OS_AUTH_URL") != null) {
      authUrl = env.get("OS_AUTH_URL");
      fromOs = true;
    }
    String version = settings.get("auth-version").map(String::trim).orElse(null);
    boolean v3;
    try {
      v3 =
          version != null
              ? version.equals("3")
              : fromOs || (authUrl != null && SwiftKeystone.isV3(authUrl));
    } catch (IllegalArgumentException e) {
      throw notAUrl(uri, authUrl);
    }
    String user = setting(settings, "user", env, v3 ? "OS_USERNAME" : "ST_USER");
    String key = setting(settings, "key", env, v3 ? "OS_PASSWORD" : "ST_KEY");
    String project = setting(settings, "project", env, "OS_PROJECT_NAME");
    if (v3 && (authUrl == null || user == null || key == null || project == null)) {
      throw new InvalidStoreUriException(
          uri
              + ": Swift with Keystone v3 needs an auth URL, a user, a password and a project: set"
              + " the store settings auth-url, user, key and project, or OS_AUTH_URL, OS_USERNAME,"
              + " OS_PASSWORD and OS_PROJECT_NAME (missing: "
              + String.join(
                  ", ",
                  java.util.stream.Stream.of(
                          authUrl == null ? "auth URL" : null,
                          user == null ? "user" : null,
                          key == null ? "password" : null,
                          project == null ? "project" : null)
                      .filter(java.util.Objects::nonNull)
                      .toList())
              + ")");
    }
    if (authUrl == null || user == null || key == null) {
      throw new InvalidStoreUriException(
          uri
              + ": Swift needs an auth URL, a user and a key: set the store settings auth-url,"
              + " user and key, or ST_AUTH, ST_USER and ST_KEY (or, for Keystone v3, OS_AUTH_URL,"
              + " OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME)");
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
      throw notAUrl(uri, authUrl);
    }
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    SwiftAuth swiftAuth =
        v3
            ? new SwiftAuth(
                http,
                new SwiftKeystone(
                    auth,
                    user,
                    key,
                    orElse(setting(settings, "user-domain", env, "OS_USER_DOMAIN_NAME"), "Default"),
                    project,
                    orElse(
                        setting(settings, "project-domain", env, "OS_PROJECT_DOMAIN_NAME"),
                        "Default"),
                    setting(settings, "region-name", env, "OS_REGION_NAME"),
                    orElse(setting(settings, "endpoint-interface", env, "OS_INTERFACE"), "public")),
                uri.account())
            : new SwiftAuth(http, auth, user, key, uri.account());
    return new SwiftObjectStore(
        http,
        swiftAuth,
        uri,
        segmentSize,
        parallelism,
        settings.getBoolean("leave-segments", false),
        Retrier.DEFAULT);
  }

  private static InvalidStoreUriException notAUrl(StoreUri uri, String authUrl) {
    return new InvalidStoreUriException(
        uri
            + ": auth-url '"
            + authUrl
            + "' is not a URL, such as http://host:8080/auth/v1.0 or http://keystone:5000/v3");
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
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
