package io.skyrelay.connectors.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreProvider;
import io.skyrelay.connectors.Redactor;
import io.skyrelay.connectors.StoreSetting;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Opens Azure Blob Storage containers, {@code az://account/container/prefix}. Credentials are taken
 * from the first of these that is set:
 *
 * <ol>
 *   <li>store setting {@code connection-string} (with an {@code AccountKey} or a {@code
 *       SharedAccessSignature})
 *   <li>store setting {@code account-key}: shared key of the URI's account
 *   <li>store setting {@code sas-token}: a SAS with read, write, delete and list permissions
 *   <li>environment variable {@code AZURE_STORAGE_CONNECTION_STRING}, when it names the URI's
 *       account (or names none)
 *   <li>{@code DefaultAzureCredential}: environment service principal, workload or managed
 *       identity, Azure CLI login; the identity needs the Storage Blob Data Contributor role
 * </ol>
 *
 * <p>Store setting {@code endpoint} replaces the blob endpoint {@code
 * https://ACCOUNT.blob.core.windows.net}; an endpoint on a loopback or IP address without a path,
 * such as Azurite's {@code http://127.0.0.1:10000}, gets the account appended as its path, as
 * emulators address accounts.
 */
public final class AzureBlobObjectStoreProvider implements ObjectStoreProvider {

  /** Azurite's well-known development account (public, documented by Microsoft). */
  static final String DEV_ACCOUNT = "devstoreaccount1";

  static {
    // The JDK HTTP client refuses to send a Content-Length header unless allowed; without it,
    // uploads of streams go out chunked, which Azure Blob Storage rejects. The property is read
    // once, when java.net.http is first used, so it is set here if nobody has set it.
    String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders");
    if (allowed == null || allowed.isBlank()) {
      System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
    } else if (!allowed.toLowerCase(Locale.ROOT).contains("content-length")) {
      System.setProperty("jdk.httpclient.allowRestrictedHeaders", allowed + ",content-length");
    }
  }

  /** One HTTP client for all stores of this JVM, so that they share connections. */
  private static volatile HttpClient sharedHttpClient;

  static final List<String> TIERS = List.of("Hot", "Cool", "Cold", "Archive");

  private static final List<StoreSetting> SETTINGS =
      List.of(
          StoreSetting.string("endpoint", "blob endpoint URL; for Azurite http://127.0.0.1:10000")
              .withDefault("https://ACCOUNT.blob.core.windows.net"),
          StoreSetting.secret(
              "connection-string", "connection string with an AccountKey or SharedAccessSignature"),
          StoreSetting.secret("account-key", "shared key (Base64) of the URI's storage account"),
          StoreSetting.secret(
              "sas-token", "SAS with read, add, create, write, delete and list permissions"),
          StoreSetting.oneOf(
              "access-tier",
              AzureBlobObjectStoreProvider.TIERS,
              "the account's default (Hot or Cool)",
              "access tier of the blobs written"));

  @Override
  public String scheme() {
    return "az";
  }

  @Override
  public List<StoreSetting> settings() {
    return SETTINGS;
  }

  @Override
  public ObjectStore open(StoreUri uri, StoreSettings settings) {
    return open(uri, settings, System.getenv("AZURE_STORAGE_CONNECTION_STRING"));
  }

  ObjectStore open(StoreUri uri, StoreSettings settings, String envConnectionString) {
    String account = uri.account();
    if (account == null || !account.matches("[a-z0-9]{3,24}")) {
      throw new InvalidStoreUriException(
          "'"
              + uri
              + "': '"
              + account
              + "' is not a valid Azure storage account name (3-24 lower-case letters and"
              + " digits); expected az://account/container/prefix");
    }
    BlobServiceClientBuilder b = new BlobServiceClientBuilder();
    AzureBlobObjectStore.Auth auth;
    String credentialHint;
    String sasToken = null;
    Optional<String> endpointSetting = settings.get("endpoint");

    Optional<String> connectionString = settings.get("connection-string");
    String connectionSource = "store setting connection-string";
    if (connectionString.isEmpty()
        && settings.get("account-key").isEmpty()
        && settings.get("sas-token").isEmpty()
        && envConnectionString != null
        && !envConnectionString.isBlank()) {
      Map<String, String> parts = parseConnectionString(envConnectionString);
      String named = accountOf(parts);
      if (named == null || named.equals(account)) {
        Redactor.registerSecret(envConnectionString);
        Optional.ofNullable(parts.get("accountkey")).ifPresent(Redactor::registerSecret);
        Optional.ofNullable(parts.get("sharedaccesssignature")).ifPresent(Redactor::registerSecret);
        connectionString = Optional.of(envConnectionString);
        connectionSource = "environment variable AZURE_STORAGE_CONNECTION_STRING";
      }
    }

    if (connectionString.isPresent()) {
      Map<String, String> parts = parseConnectionString(connectionString.get());
      String named = accountOf(parts);
      if (named != null && !named.equals(account)) {
        throw new InvalidStoreUriException(
            "the "
                + connectionSource
                + " is for storage account '"
                + named
                + "' but the location "
                + uri
                + " names account '"
                + account
                + "'; use a connection string of that account");
      }
      Optional.ofNullable(parts.get("accountkey")).ifPresent(Redactor::registerSecret);
      try {
        b.connectionString(connectionString.get());
      } catch (IllegalArgumentException e) {
        throw new InvalidStoreUriException(
            "the "
                + connectionSource
                + " is not a valid Azure Storage connection string (expected"
                + " AccountName=...;AccountKey=...;EndpointSuffix=... or"
                + " BlobEndpoint=...;SharedAccessSignature=...)");
      }
      if (parts.containsKey("sharedaccesssignature") && !parts.containsKey("accountkey")) {
        auth = AzureBlobObjectStore.Auth.SAS;
        sasToken = stripQuestionMark(parts.get("sharedaccesssignature"));
        credentialHint = "the SAS in the " + connectionSource + " (its permissions and expiry)";
      } else {
        auth = AzureBlobObjectStore.Auth.SHARED_KEY;
        credentialHint = "the account key in the " + connectionSource;
      }
      if (endpointSetting.isPresent()) {
        b.endpoint(endpoint(endpointSetting.get(), account));
      }
    } else {
      b.endpoint(endpoint(endpointSetting.orElse(null), account));
      Optional<String> accountKey = settings.get("account-key");
      Optional<String> sas = settings.get("sas-token");
      if (accountKey.isPresent()) {
        try {
          Base64.getDecoder().decode(accountKey.get().trim());
        } catch (IllegalArgumentException notBase64) {
          throw new InvalidStoreUriException(
              "store setting account-key for "
                  + uri.containerOnly()
                  + " is not Base64; copy key1 or key2 from the account's Access keys page");
        }
        b.credential(new StorageSharedKeyCredential(account, accountKey.get().trim()));
        auth = AzureBlobObjectStore.Auth.SHARED_KEY;
        credentialHint = "store setting account-key (the shared key of account " + account + ")";
      } else if (sas.isPresent()) {
        sasToken = stripQuestionMark(sas.get());
        b.sasToken(sasToken);
        auth = AzureBlobObjectStore.Auth.SAS;
        credentialHint =
            "store setting sas-token (it needs read, add, create, write, delete and list"
                + " permissions, and must not have expired)";
      } else {
        b.credential(new DefaultAzureCredentialBuilder().build());
        auth = AzureBlobObjectStore.Auth.TOKEN;
        credentialHint =
            "DefaultAzureCredential (az login, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET"
                + " or a managed identity), whose identity needs the Storage Blob Data Contributor"
                + " role on the account or container; or set store setting account-key,"
                + " sas-token or connection-string";
      }
    }
    b.httpClient(httpClient());
    // Retries are made by the connector's Retrier around idempotent calls. With SDK retries on
    // top, attempts would multiply, and the SDK would buffer every uploaded stream in memory to be
    // able to send it again.
    b.retryOptions(
        new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 1, (Integer) null, null, null, null));
    BlobContainerClient container;
    try {
      container = b.buildClient().getBlobContainerClient(uri.container());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidStoreUriException(
          "cannot open " + uri.containerOnly() + ": " + Redactor.redact(e.getMessage()));
    }
    return new AzureBlobObjectStore(
        new StoreUri("az", account, uri.container(), ""),
        container,
        auth,
        sasToken,
        credentialHint,
        settings.get("access-tier").map(t -> AccessTier.fromString(tierName(t))).orElse(null));
  }

  /** Azure's spelling of an access tier ({@code Hot}), however the setting writes it. */
  private static String tierName(String tier) {
    return TIERS.stream().filter(t -> t.equalsIgnoreCase(tier.trim())).findFirst().orElse(tier);
  }

  private static HttpClient httpClient() {
    HttpClient c = sharedHttpClient;
    if (c == null) {
      synchronized (AzureBlobObjectStoreProvider.class) {
        c = sharedHttpClient;
        if (c == null) {
          // Every wait is bounded, as the S3 connector's: a stalled transfer fails after a
          // minute without progress and is retried, instead of hanging the job.
          c =
              new JdkHttpClientBuilder()
                  .connectionTimeout(Duration.ofSeconds(10))
                  .writeTimeout(Duration.ofSeconds(60))
                  .responseTimeout(Duration.ofSeconds(60))
                  .readTimeout(Duration.ofSeconds(60))
                  .build();
          sharedHttpClient = c;
        }
      }
    }
    return c;
  }

  /** The blob endpoint URL for {@code account}, from the endpoint setting or Azure's default. */
  static String endpoint(String setting, String account) {
    if (setting == null || setting.isBlank()) {
      return "https://" + account + ".blob.core.windows.net";
    }
    URI e;
    try {
      e = URI.create(setting.trim());
    } catch (IllegalArgumentException bad) {
      e = null;
    }
    if (e == null || e.getScheme() == null || e.getHost() == null) {
      throw new InvalidStoreUriException(
          "Azure endpoint '"
              + setting
              + "' is not a URL; expected https://ACCOUNT.blob.core.windows.net, or for Azurite"
              + " http://127.0.0.1:10000/ACCOUNT");
    }
    String path = e.getPath() == null ? "" : e.getPath();
    if ((path.isEmpty() || path.equals("/")) && isIpOrLoopback(e.getHost())) {
      return e.getScheme() + "://" + e.getRawAuthority() + "/" + account;
    }
    return setting.trim();
  }

  /**
   * Hosts that address accounts by path, as emulators do, rather than by host name: localhost and
   * IP addresses. Decided from the text alone, without a DNS lookup.
   */
  static boolean isIpOrLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return h.equalsIgnoreCase("localhost") || h.matches("[0-9.]+") || h.contains(":");
  }

  /** The parts of a connection string, keyed by lower-case name; values keep any '='. */
  static Map<String, String> parseConnectionString(String cs) {
    Map<String, String> parts = new HashMap<>();
    for (String part : cs.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        parts.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1));
      }
    }
    return parts;
  }

  private static String accountOf(Map<String, String> parts) {
    if (parts.containsKey("accountname")) {
      return parts.get("accountname").trim();
    }
    return isDevelopmentStorage(parts) ? DEV_ACCOUNT : null;
  }

  private static boolean isDevelopmentStorage(Map<String, String> parts) {
    return "true".equalsIgnoreCase(parts.getOrDefault("usedevelopmentstorage", "").trim());
  }

  private static String stripQuestionMark(String sas) {
    return sas.startsWith("?") ? sas.substring(1) : sas;
  }
}
