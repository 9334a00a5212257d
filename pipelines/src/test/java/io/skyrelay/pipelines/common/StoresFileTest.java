package io.skyrelay.pipelines.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.Redactor;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class StoresFileTest {

  @TempDir Path tmp;

  private static final String GOOD =
      """
      stores:
        - uri: s3://photos
          region: aws:us-east-1
          endpoint: http://127.0.0.1:9000
          secret-access-key: ${env:PHOTOS_SECRET}
        - uri: file:///backup
      """;

  private String error(String yaml, Map<String, String> env) throws Exception {
    Path f = tmp.resolve("stores.yaml");
    Files.writeString(f, yaml);
    return assertThrows(IllegalArgumentException.class, () -> StoresFile.read(f, env)).getMessage();
  }

  /** A file that is huge, nested too deep or full of aliases (an alias bomb). */
  public static List<String> hostileYaml() {
    String bomb =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            + "stores: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    return List.of(
        "stores:\n  - uri: file:///x\n# " + "x".repeat(ConfigYaml.MAX_BYTES) + "\n",
        "stores: " + "[".repeat(1000) + "]".repeat(1000) + "\n",
        bomb);
  }

  /** What the refusal of each of {@link #hostileYaml} must say. */
  public static List<String> limitsNamed() {
    return List.of(
        "more than the " + ConfigYaml.MAX_BYTES + " bytes",
        "maximum allowed (" + ConfigYaml.MAX_NESTING,
        "more than " + ConfigYaml.MAX_ALIASES + " aliases");
  }

  @Test
  void hugeDeeplyNestedAndAliasBombFilesAreRefusedNamingTheLimit() throws Exception {
    for (int i = 0; i < hostileYaml().size(); i++) {
      String message = error(hostileYaml().get(i), Map.of());
      assertTrue(message.contains(limitsNamed().get(i)), message);
      assertTrue(message.length() < 400, message);
    }
  }

  @Test
  void errorsNameTheLineAndTheKey() throws Exception {
    String unknown = error(GOOD.replace("endpoint:", "end-point:"), Map.of("PHOTOS_SECRET", "x"));
    assertTrue(unknown.contains("line 4 (stores[0].end-point)"), unknown);
    assertTrue(unknown.contains("known keys: uri, region"), unknown);

    String unset = error(GOOD, Map.of());
    assertTrue(unset.contains("line 5 (stores[0].secret-access-key)"), unset);
    assertTrue(unset.contains("PHOTOS_SECRET, which is not set"), unset);

    String badUri =
        error(GOOD.replace("file:///backup", "nfs://backup"), Map.of("PHOTOS_SECRET", "x"));
    assertTrue(badUri.contains("line 6 (stores[1].uri)"), badUri);

    String noUri =
        error(
            GOOD.replace("- uri: file:///backup", "- region: local:x"),
            Map.of("PHOTOS_SECRET", "x"));
    assertTrue(noUri.contains("line 6 (stores[1]) has no 'uri'"), noUri);
  }

  @Test
  void aMisspeltKeyIsRefusedWithTheKeysOfItsStore() throws Exception {
    String misspelt = error(GOOD.replace("endpoint:", "endpiont:"), Map.of("PHOTOS_SECRET", "x"));
    assertTrue(misspelt.contains("line 4 (stores[0].endpiont)"), misspelt);
    assertTrue(misspelt.contains("did you mean 'endpoint'?"), misspelt);
    assertTrue(
        misspelt.contains(
            "known keys: uri, region, access-key-id, acl, direct-requests, endpoint,"
                + " max-connections, path-style, profile, region-name, requester-pays,"
                + " secret-access-key, server-side-encryption, session-token, sign-payload,"
                + " sse-kms-key-id, storage-class"),
        misspelt);

    // a key of another store is not one of this store's
    String azureKey =
        error(GOOD.replace("endpoint:", "account-key:"), Map.of("PHOTOS_SECRET", "x"));
    assertTrue(azureKey.contains("line 4 (stores[0].account-key)"), azureKey);
    assertTrue(azureKey.contains("unknown key 'account-key' for s3:// stores"), azureKey);

    String local =
        error(
            GOOD.replace("- uri: file:///backup", "- uri: file:///backup\n    path-style: true"),
            Map.of("PHOTOS_SECRET", "x"));
    assertTrue(local.contains("line 7 (stores[1].path-style)"), local);
    assertTrue(local.contains("known keys: uri, region"), local);
  }

  @Test
  void aValueOfTheWrongTypeIsRefused() throws Exception {
    String maybe =
        error(
            GOOD.replace("  endpoint:", "  path-style: maybe\n    endpoint:"),
            Map.of("PHOTOS_SECRET", "x"));
    assertTrue(maybe.contains("line 4 (stores[0].path-style)"), maybe);
    assertTrue(maybe.contains("expects a boolean (true or false), got 'maybe'"), maybe);

    String many =
        error(
            GOOD.replace("  endpoint:", "  max-connections: ${env:CONNS}\n    endpoint:"),
            Map.of("PHOTOS_SECRET", "x", "CONNS", "many"));
    assertTrue(many.contains("line 4 (stores[0].max-connections)"), many);
    assertTrue(many.contains("expects an integer"), many);

    String list =
        error(
            GOOD.replace("  endpoint:", "  path-style: [true]\n    endpoint:"),
            Map.of("PHOTOS_SECRET", "x"));
    assertTrue(list.contains("line 4 (stores[0].path-style): expects a boolean"), list);
  }

  @Test
  void secretsNeverShowInErrorsOrInTheSettings() throws Exception {
    String secret = "s3cr3t-" + System.nanoTime();
    String yaml =
        GOOD.replace("${env:PHOTOS_SECRET}", secret)
            .replace("- uri: file:///backup", "- uri: az://acct/logs\n    sas-token: " + secret);
    String misspelt = error(yaml.replace("secret-access-key:", "secret-acess-key:"), Map.of());
    assertTrue(misspelt.contains("did you mean 'secret-access-key'?"), misspelt);
    assertFalse(misspelt.contains(secret), misspelt);

    Path f = tmp.resolve("stores.yaml");
    Files.writeString(f, yaml);
    StoresFile stores = StoresFile.read(f, Map.of());
    String s3 = stores.locate("s3://photos/a", null).settings().toString();
    String az = stores.locate("az://acct/logs/k", null).settings().toString();
    assertFalse(s3.contains(secret), s3);
    assertTrue(s3.contains("secret-access-key=****"), s3);
    assertFalse(az.contains(secret), az);
    assertFalse(Redactor.redact("signed with " + secret).contains(secret));
  }

  @Test
  void theS3SigningRegionIsWrittenRegionName() throws Exception {
    Path f = tmp.resolve("stores.yaml");
    Files.writeString(f, GOOD.replace("  endpoint:", "  region-name: eu-west-1\n    endpoint:"));
    StoreLocation photos =
        StoresFile.read(f, Map.of("PHOTOS_SECRET", "x")).locate("s3://photos", null);
    assertEquals("aws:us-east-1", photos.region());
    assertEquals("eu-west-1", photos.settings().get("region").orElseThrow());

    String azure =
        error(
            GOOD.replace("- uri: file:///backup", "- uri: az://acct/logs\n    region-name: x"),
            Map.of("PHOTOS_SECRET", "x"));
    assertTrue(azure.contains("unknown key 'region-name' for az:// stores"), azure);
  }

  @Test
  void aGoodFileIsRead() throws Exception {
    Path f = tmp.resolve("stores.yaml");
    Files.writeString(f, GOOD);
    StoresFile stores = StoresFile.read(f, Map.of("PHOTOS_SECRET", "s3cr3t"));
    assertEquals("aws:us-east-1", stores.locate("s3://photos/a", "local:default").region());
  }
}
