package io.skyrelay.connectors.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How settings and the environment become a client, checked without sending a request. */
class GcsObjectStoreProviderTest {

  @Test
  void theProviderIsRegisteredForGsUris() {
    assertInstanceOf(GcsObjectStoreProvider.class, ObjectStores.providers().get("gs"));
    try (ObjectStore s =
        ObjectStores.open("gs://my-bucket/some/prefix", settings("endpoint", "localhost:4443"))) {
      assertInstanceOf(GcsObjectStore.class, s);
      assertEquals(new StoreUri("gs", null, "my-bucket", ""), s.root());
    }
  }

  @Test
  void anEndpointIsUsedWithoutCredentials() {
    GcsObjectStoreProvider.Client c =
        GcsObjectStoreProvider.client(settings("endpoint", "127.0.0.1:9199/"), Map.of());
    assertEquals("http://127.0.0.1:9199", c.options().getHost());
    assertSame(NoCredentials.getInstance(), c.options().getCredentials());
    assertEquals(GcsObjectStoreProvider.EMULATOR_PROJECT, c.options().getProjectId());
    assertTrue(c.credentialHint().contains("endpoint"), c.credentialHint());
  }

  @Test
  void storageEmulatorHostIsHonouredWhenNoEndpointIsSet() {
    GcsObjectStoreProvider.Client c =
        GcsObjectStoreProvider.client(
            settings("project-id", "my-project"),
            Map.of("STORAGE_EMULATOR_HOST", "http://localhost:8123"));
    assertEquals("http://localhost:8123", c.options().getHost());
    assertEquals("my-project", c.options().getProjectId());
    assertTrue(c.credentialHint().contains("STORAGE_EMULATOR_HOST"), c.credentialHint());
  }

  @Test
  void aServiceAccountKeyFileIsLoaded(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("sa.json");
    Files.writeString(key, serviceAccountJson(pkcs8Pem()));
    GcsObjectStoreProvider.Client c =
        GcsObjectStoreProvider.client(
            settings("credentials-file", key.toString()).with("project-id", "p1"), Map.of());
    ServiceAccountCredentials creds =
        assertInstanceOf(ServiceAccountCredentials.class, c.options().getCredentials());
    assertEquals("skyrelay-test@p1.iam.gserviceaccount.com", creds.getClientEmail());
    assertTrue(c.options().getHost().startsWith("https://storage.googleapis.com"));
    assertTrue(c.credentialHint().contains("credentials-file"), c.credentialHint());
  }

  @Test
  void aMissingOrBrokenKeyFileIsNamedWithoutQuotingIt(@TempDir Path dir) throws Exception {
    InvalidStoreUriException missing =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                GcsObjectStoreProvider.client(
                    settings("credentials-file", dir.resolve("nope.json").toString()), Map.of()));
    assertTrue(missing.getMessage().contains("credentials-file"), missing.getMessage());

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, serviceAccountJson("NOT-A-KEY-BUT-SECRET-MATERIAL-0123456789"));
    InvalidStoreUriException e =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                GcsObjectStoreProvider.client(
                    settings("credentials-file", broken.toString()), Map.of()));
    assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("SECRET-MATERIAL"), e.getMessage());
    assertEquals(null, e.getCause(), "the parser's message may quote the key");
  }

  private static StoreSettings settings(String key, String value) {
    return StoreSettings.of(Map.of(key, value));
  }

  private static String pkcs8Pem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(g.generateKeyPair().getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  private static String serviceAccountJson(String privateKey) {
    return "{\"type\": \"service_account\", \"project_id\": \"p1\","
        + " \"private_key_id\": \"0123abcd\", \"private_key\": \""
        + privateKey.replace("\n", "\\n")
        + "\", \"client_email\": \"skyrelay-test@p1.iam.gserviceaccount.com\","
        + " \"client_id\": \"1234567890\","
        + " \"token_uri\": \"https://oauth2.googleapis.com/token\"}";
  }
}
