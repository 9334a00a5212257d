package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store settings follow what each connector declares: secrets, names and types. */
class StoreSettingsTest {

  @TempDir Path dir;

  @Test
  void theSecretKeysAreThoseTheConnectorsDeclareSecret() {
    Set<String> declared = new TreeSet<>();
    for (ObjectStoreProvider p : ObjectStores.providers().values()) {
      p.settings().stream().filter(StoreSetting::secret).forEach(s -> declared.add(s.name()));
    }
    assertEquals(declared, new TreeSet<>(StoreSettings.secretKeys()));
    assertTrue(
        declared.containsAll(
            Set.of(
                "secret-access-key",
                "session-token",
                "connection-string",
                "account-key",
                "sas-token")),
        declared.toString());
  }

  @Test
  void everyDeclaredSecretIsMaskedAndRedacted() {
    for (ObjectStoreProvider p : ObjectStores.providers().values()) {
      for (StoreSetting s : p.settings()) {
        String value = "value-of-" + s.name() + "-" + System.nanoTime();
        StoreSettings settings = StoreSettings.of(Map.of(s.name(), value));
        assertEquals(
            s.secret(),
            !settings.toString().contains(value),
            p.scheme() + ":// " + s.name() + " in " + settings);
        assertEquals(s.secret(), !Redactor.redact("x " + value + " y").contains(value), s.name());
      }
    }
  }

  @Test
  void everySettingAConnectorReadsIsDeclared() throws Exception {
    Map<String, String> schemeOfPackage =
        Map.of("s3", "s3", "azure", "az", "gcs", "gs", "local", "file");
    Pattern read = Pattern.compile("settings\\s*\\.\\s*get\\w*\\(\\s*\"([^\"]+)\"");
    Path sources = Path.of("src", "main", "java", "io", "skyrelay", "connectors");
    int reads = 0;
    for (Map.Entry<String, String> e : schemeOfPackage.entrySet()) {
      Set<String> declared = new TreeSet<>();
      ObjectStores.provider(e.getValue()).settings().forEach(s -> declared.add(s.name()));
      List<Path> files;
      try (Stream<Path> walk = Files.walk(sources.resolve(e.getKey()))) {
        files = walk.filter(f -> f.toString().endsWith(".java")).toList();
      }
      for (Path f : files) {
        Matcher m = read.matcher(Files.readString(f));
        while (m.find()) {
          reads++;
          assertTrue(
              declared.contains(m.group(1)),
              f + " reads setting '" + m.group(1) + "', which is not declared: " + declared);
        }
      }
    }
    assertTrue(reads >= 10, "found only " + reads + " reads of settings in " + sources);
  }

  @Test
  void valuesOfUndeclaredKeysAreNotPrinted() {
    // a misspelt credential must not be printed because it is not recognised
    StoreSettings settings =
        StoreSettings.of(Map.of("secret-acess-key", "wJalrXUtnFEMI-misspelt", "region", "r1"));
    assertFalse(settings.toString().contains("wJalrXUtnFEMI-misspelt"), settings.toString());
    assertTrue(settings.toString().contains("region=r1"), settings.toString());
  }

  @Test
  void openRefusesAMisspeltSettingNamingTheValidOnes() {
    String message =
        assertThrows(
                InvalidStoreUriException.class,
                () ->
                    ObjectStores.open(
                        "s3://bucket", StoreSettings.of(Map.of("endpiont", "http://h:9000"))))
            .getMessage();
    assertTrue(message.contains("'endpiont'"), message);
    assertTrue(message.contains("did you mean 'endpoint'?"), message);
    assertTrue(message.contains("path-style"), message);
    assertTrue(message.contains("direct-requests"), message);
    assertFalse(message.contains("connection-string"), "only keys of s3:// stores: " + message);
  }

  @Test
  void openRefusesAValueOfTheWrongType() {
    String message =
        assertThrows(
                InvalidStoreUriException.class,
                () ->
                    ObjectStores.open(
                        "s3://bucket",
                        StoreSettings.of(
                            Map.of("endpoint", "http://127.0.0.1:9", "path-style", "maybe"))))
            .getMessage();
    assertTrue(message.contains("path-style"), message);
    assertTrue(message.contains("boolean"), message);

    String connections =
        assertThrows(
                InvalidStoreUriException.class,
                () ->
                    ObjectStores.open(
                        "s3://bucket", StoreSettings.of(Map.of("max-connections", "many"))))
            .getMessage();
    assertTrue(connections.contains("max-connections expects an integer"), connections);
  }

  @Test
  void aLocalFolderTakesNoSettings() {
    String message =
        assertThrows(
                InvalidStoreUriException.class,
                () ->
                    ObjectStores.open(
                        dir.toUri().toString(),
                        StoreSettings.of(Map.of("endpoint", "http://127.0.0.1:9"))))
            .getMessage();
    assertTrue(message.contains("takes no settings"), message);
  }
}
