package io.skyrelay.connectors.swift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the Swift connector finds its credentials, without a server. */
class SwiftObjectStoreProviderTest {

  private static final StoreUri URI = StoreUri.parse("swift://AUTH_test/photos");

  @Test
  void theSwiftClientsVariablesAreUsedWhenNoSettingIsGiven() {
    try (ObjectStore s =
        SwiftObjectStoreProvider.open(
            URI,
            StoreSettings.EMPTY,
            Map.of(
                "ST_AUTH", "http://127.0.0.1:1/auth/v1.0", "ST_USER", "a:b", "ST_KEY", "k-env"))) {
      assertEquals("swift://AUTH_test/photos", s.root().toString());
    }
  }

  @Test
  void withoutCredentialsTheMessageNamesTheSettingsAndVariables() {
    InvalidStoreUriException e =
        assertThrows(
            InvalidStoreUriException.class,
            () -> SwiftObjectStoreProvider.open(URI, StoreSettings.EMPTY, Map.of()));
    assertTrue(e.getMessage().contains("ST_AUTH, ST_USER and ST_KEY"), e.getMessage());
    InvalidStoreUriException keystone =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                SwiftObjectStoreProvider.open(
                    URI, StoreSettings.EMPTY, Map.of("OS_AUTH_URL", "http://k:5000/v3")));
    assertTrue(keystone.getMessage().contains("Keystone v3"), keystone.getMessage());
  }

  @Test
  void theKeyIsMaskedWhereSettingsAreShown() {
    StoreSettings settings =
        StoreSettings.of(
            Map.of("auth-url", "http://127.0.0.1:1/auth/v1.0", "user", "a:b", "key", "s3cr3t-k"));
    assertFalse(settings.toString().contains("s3cr3t-k"), settings.toString());
    assertTrue(ObjectStores.provider("swift").settings().stream().anyMatch(x -> x.secret()));
  }

  @Test
  void aStorageUrlGetsTheAccountOfTheUri() {
    SwiftAuth auth =
        new SwiftAuth(null, java.net.URI.create("http://h/auth/v1.0"), "u", "k", "AUTH_other");
    assertEquals("http://h:8080/v1/AUTH_other", auth.withAccount("http://h:8080/v1/AUTH_test/"));
  }
}
