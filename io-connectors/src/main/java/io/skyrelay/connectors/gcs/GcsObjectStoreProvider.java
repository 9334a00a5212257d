package io.skyrelay.connectors.gcs;

import com.google.api.gax.rpc.FixedHeaderProvider;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.StorageOptions;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreProvider;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreSetting;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens {@code gs://bucket} locations. Settings, in the order they win:
 *
 * <ul>
 *   <li>{@code endpoint}: a GCS-compatible server (an emulator), as {@code http://host:port} or
 *       {@code host:port}; requests go there without credentials. The {@code STORAGE_EMULATOR_HOST}
 *       environment variable does the same when {@code endpoint} is unset.
 *   <li>{@code credentials-file}: a service account key (JSON).
 *   <li>otherwise Application Default Credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, {@code
 *       gcloud auth application-default login}, or the metadata server on Google Cloud).
 * </ul>
 *
 * <p>{@code project-id} sets the project billed for quota, and with {@code requester-pays} for the
 * requests to requester-pays buckets; {@code storage-class} is the class of every object written.
 */
public final class GcsObjectStoreProvider implements ObjectStoreProvider {

  /** The project an emulator is told about when {@code project-id} is not set. */
  static final String EMULATOR_PROJECT = "skyrelay-emulator";

  static final List<String> STORAGE_CLASSES =
      List.of("STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE");

  private static final List<StoreSetting> SETTINGS =
      List.of(
          StoreSetting.string(
                  "endpoint",
                  "a GCS-compatible server (emulator), http://host:port or host:port; no"
                      + " credentials are sent")
              .withDefault("STORAGE_EMULATOR_HOST, else Google Cloud Storage"),
          StoreSetting.path("credentials-file", "service account key (JSON) to authenticate with")
              .withDefault("Application Default Credentials"),
          StoreSetting.string(
              "project-id", "project billed for requester-pays buckets (requester-pays) and quota"),
          StoreSetting.bool(
              "requester-pays",
              "false",
              "bill project-id for every request (x-goog-user-project), as requester-pays buckets"
                  + " need"),
          StoreSetting.oneOf(
              "storage-class",
              STORAGE_CLASSES,
              "the bucket's default class",
              "storage class of the objects written"));

  @Override
  public String scheme() {
    return "gs";
  }

  @Override
  public List<StoreSetting> settings() {
    return SETTINGS;
  }

  @Override
  public ObjectStore open(StoreUri uri, StoreSettings settings) {
    Client client = client(settings, System.getenv());
    return new GcsObjectStore(
        client.options().getService(),
        uri.container(),
        client.credentialHint(),
        true,
        Retrier.DEFAULT,
        settings
            .get("storage-class")
            .map(c -> StorageClass.valueOf(c.trim().toUpperCase(Locale.ROOT)))
            .orElse(null));
  }

  /** Client options and what to tell the user when GCS refuses its credentials. */
  record Client(StorageOptions options, String credentialHint) {}

  /** Builds the client options from the settings and the environment, without any request. */
  static Client client(StoreSettings settings, Map<String, String> env) {
    HttpStorageOptions.Builder b = StorageOptions.http();
    settings.get("project-id").ifPresent(b::setProjectId);
    if (settings.getBoolean("requester-pays", false)) {
      String project =
          settings
              .get("project-id")
              .orElseThrow(
                  () ->
                      new InvalidStoreUriException(
                          "store setting requester-pays needs project-id: the project that pays"
                              + " for the requests"));
      // The header form of the JSON API's userProject parameter, on every request of the client.
      b.setHeaderProvider(FixedHeaderProvider.create("x-goog-user-project", project));
    }
    String endpoint =
        settings.get("endpoint").orElseGet(() -> blankToNull(env.get("STORAGE_EMULATOR_HOST")));
    if (endpoint != null) {
      String host = normalizeEndpoint(endpoint);
      b.setHost(host).setCredentials(NoCredentials.getInstance());
      if (settings.get("project-id").isEmpty()) {
        b.setProjectId(EMULATOR_PROJECT);
      }
      String source =
          settings.get("endpoint").isPresent() ? "the endpoint setting" : "STORAGE_EMULATOR_HOST";
      return new Client(
          b.build(),
          "requests to "
              + host
              + " (from "
              + source
              + ") carry no credentials; unset it to use Google Cloud Storage itself");
    }
    var file = settings.get("credentials-file");
    if (file.isPresent()) {
      b.setCredentials(serviceAccount(file.get()));
      return new Client(
          b.build(),
          "check that the service account key in credentials-file ("
              + file.get()
              + ") is still valid and that its account has access to the bucket");
    }
    Credentials adc;
    try {
      adc = GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new AccessDeniedException(
          "no Google credentials found: set credentials-file to a service account key (JSON),"
              + " set GOOGLE_APPLICATION_CREDENTIALS, or run 'gcloud auth application-default"
              + " login'",
          e);
    }
    b.setCredentials(adc);
    return new Client(
        b.build(),
        "check the Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or 'gcloud auth"
            + " application-default login'), or set credentials-file to a service account key");
  }

  private static ServiceAccountCredentials serviceAccount(String file) {
    Path path = Path.of(file);
    try (InputStream in = Files.newInputStream(path)) {
      return ServiceAccountCredentials.fromStream(in);
    } catch (NoSuchFileException e) {
      throw new InvalidStoreUriException(
          "credentials-file " + file + " does not exist; point it at a service account key (JSON)");
    } catch (IOException | RuntimeException e) {
      // The parser's message may quote the file, which holds a private key: name only the kind.
      throw new InvalidStoreUriException(
          "credentials-file "
              + file
              + " is not a usable service account key (JSON with type \"service_account\","
              + " client_email and private_key): "
              + e.getClass().getSimpleName()
              + "; download a new key for the service account");
    }
  }

  /** {@code host:port} becomes {@code http://host:port}; a trailing slash is dropped. */
  static String normalizeEndpoint(String endpoint) {
    String e = endpoint.trim();
    if (!e.contains("://")) {
      e = "http://" + e;
    }
    while (e.endsWith("/")) {
      e = e.substring(0, e.length() - 1);
    }
    return e;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
