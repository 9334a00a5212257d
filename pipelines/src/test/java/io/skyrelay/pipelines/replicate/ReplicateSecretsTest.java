package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skyrelay replicate} run in a process of its own, with debug logs into {@code --log-file},
 * through the error paths a user meets (access denied, a wrong endpoint, a missing bucket, a broken
 * key file), each with known secret values: an S3 secret key, an Azure account key and SAS token, a
 * GCS key file's private key. None appears in standard output or error, the log file, or any file
 * the run writes (report.json, the results), where every exception message ends up.
 */
class ReplicateSecretsTest {

  @TempDir Path tmp;

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** What a run left behind, all of it, as text. */
  record Run(String name, int status, String everything) {}

  Run replicate(String name, String destination, String stores) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Path storesFile = Files.writeString(dir.resolve("stores.yaml"), stores);
    Path log = dir.resolve("run.log");
    Path out = dir.resolve("out");
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.skyrelay.pipelines.SkyrelayCli",
            "replicate",
            tmp.resolve("src").toUri().toString(),
            destination,
            "--stores",
            storesFile.toString(),
            "--runner",
            "direct",
            "--output",
            out.toString(),
            "-v",
            "--log-file",
            log.toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("AZURE_"));
    pb.redirectOutput(stdout.toFile());
    pb.redirectError(stderr.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), name + " finished");
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f :
          files.filter(Files::isRegularFile).filter(f -> !f.equals(storesFile)).toList()) {
        // ISO-8859-1 keeps every byte, so a secret inside a binary (Avro) file is found too
        all.append("== ")
            .append(f.getFileName())
            .append('\n')
            .append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .append('\n');
      }
    }
    return new Run(name, p.exitValue(), all.toString());
  }

  static String s3Store(String bucket, String endpoint, String secret) {
    return "  - uri: s3://"
        + bucket
        + "\n    endpoint: "
        + endpoint
        + "\n    region-name: us-east-1\n    access-key-id: "
        + S3ProxyServer.ACCESS_KEY
        + "\n    secret-access-key: "
        + secret
        + "\n";
  }

  @Test
  void secretsAppearNowhereAUserOrALogReaderCanSeeThroughEveryErrorPath() throws Exception {
    try (ObjectStore src =
        ObjectStores.open(tmp.resolve("src").toUri().toString(), StoreSettings.EMPTY)) {
      ReplicateCommandTest.fill(src, "", 3, 0, 1);
    }
    String closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = "http://127.0.0.1:" + s.getLocalPort();
    }
    String wrongS3Secret = "wrong-s3-secret-" + random(16);
    String unusedS3Secret = "unreached-s3-secret-" + random(16);
    String azureKey = Base64.getEncoder().encodeToString(random(32).getBytes());
    String sasSignature = Base64.getEncoder().encodeToString(random(24).getBytes());
    String sas =
        "sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2030-01-01T00:00:00Z&st=2024-01-01T00:00:00Z"
            + "&spr=https,http&sig="
            + sasSignature.replace("=", "%3D").replace("+", "%2B").replace("/", "%2F");
    String gcsKeyMaterial = "MIIEv" + random(40) + "SECRET";
    Path keyFile =
        Files.writeString(
            tmp.resolve("gcs-key.json"),
            "{\"type\": \"service_account\", \"project_id\": \"p1\", \"private_key_id\":"
                + " \"0123abcd\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n"
                + gcsKeyMaterial
                + "\\n-----END PRIVATE KEY-----\\n\", \"client_email\":"
                + " \"skyrelay-test@p1.iam.gserviceaccount.com\", \"client_id\": \"1234567890\","
                + " \"token_uri\": \"http://127.0.0.1:9/token\"}");

    List<Run> runs = new ArrayList<>();
    try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
      s3.createBucket("present");
      String endpoint = s3.endpoint().toString();
      runs.add(
          replicate(
              "s3-access-denied",
              "s3://present/copy/",
              "stores:\n" + s3Store("present", endpoint, wrongS3Secret)));
      runs.add(
          replicate(
              "s3-wrong-endpoint",
              "s3://present/copy/",
              "stores:\n" + s3Store("present", closed, unusedS3Secret)));
      runs.add(
          replicate(
              "s3-missing-bucket",
              "s3://no-such-bucket/copy/",
              "stores:\n" + s3Store("no-such-bucket", endpoint, S3ProxyServer.SECRET_KEY)));
      // An Azure store pointed at a server that is not Azure: its answer is an error.
      runs.add(
          replicate(
              "azure-account-key",
              "az://acct/container/copy/",
              "stores:\n  - uri: az://acct/container\n    endpoint: "
                  + endpoint
                  + "\n    account-key: "
                  + azureKey
                  + "\n"));
      runs.add(
          replicate(
              "azure-sas",
              "az://acct/container/copy/",
              "stores:\n  - uri: az://acct/container\n    endpoint: "
                  + closed
                  + "\n    sas-token: \""
                  + sas
                  + "\"\n"));
      runs.add(
          replicate(
              "gcs-bad-key",
              "gs://bucket/copy/",
              "stores:\n  - uri: gs://bucket\n    credentials-file: " + keyFile + "\n"));
    }

    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("S3 secret key", wrongS3Secret);
    secrets.put("S3 secret key (unreached endpoint)", unusedS3Secret);
    secrets.put("S3 secret key (S3Proxy's)", S3ProxyServer.SECRET_KEY);
    secrets.put("Azure account key", azureKey);
    secrets.put("Azure SAS token", sas);
    secrets.put("Azure SAS signature", sasSignature);
    secrets.put(
        "Azure SAS signature (URL-encoded)",
        sasSignature.replace("=", "%3D").replace("+", "%2B").replace("/", "%2F"));
    secrets.put("GCS private key", gcsKeyMaterial);
    for (Run run : runs) {
      assertNotEquals(0, run.status(), run.name() + " failed, as it should:\n" + run.everything());
      assertTrue(run.everything().contains("run.log"), run.name() + " wrote its log file");
      for (var secret : secrets.entrySet()) {
        assertFalse(
            run.everything().contains(secret.getValue()),
            run.name() + ": the " + secret.getKey() + " leaked:\n" + run.everything());
      }
    }
  }
}
