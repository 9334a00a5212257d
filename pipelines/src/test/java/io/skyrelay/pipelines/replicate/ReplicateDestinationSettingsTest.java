package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.s3.RecordingS3Proxy;
import io.skyrelay.connectors.s3.RecordingS3Proxy.Request;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --storage-class}, {@code --sse}, {@code --sse-kms-key-id} and {@code --acl}: what the
 * writes to an S3 destination carry (through a recording proxy in front of S3Proxy, which imitates
 * a bucket whose SSE-KMS objects have ETags that are not their MD5), that such copies verify and a
 * second run finds them in sync, and that values a destination does not take are refused.
 */
class ReplicateDestinationSettingsTest {

  static S3ProxyServer source;
  static RecordingS3Proxy destination;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    source = S3ProxyServer.startInMemory();
    destination = RecordingS3Proxy.start().imitateKms();
    source.createBucket("src");
    destination.createBucket("dst");
    Random random = new Random(3);
    try (ObjectStore s = ObjectStores.open("s3://src", source.settings())) {
      for (int size : new int[] {10, 1000, 6 << 20}) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        s.put("data/o" + size, new ByteArrayInputStream(b), size, PutOptions.DEFAULT);
      }
    }
  }

  @AfterAll
  static void stop() {
    source.close();
    destination.close();
  }

  Object[] replicate(String dst, String... more) throws Exception {
    Path stores = tmp.resolve("stores.yaml");
    Files.writeString(
        stores,
        "stores:\n  - uri: s3://src\n    endpoint: "
            + source.endpoint()
            + "\n    region-name: us-east-1\n    access-key-id: "
            + S3ProxyServer.ACCESS_KEY
            + "\n    secret-access-key: "
            + S3ProxyServer.SECRET_KEY
            + "\n  - uri: s3://dst\n    endpoint: "
            + destination.endpoint()
            + "\n    region-name: us-east-1\n    access-key-id: any\n    secret-access-key: any\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "replicate",
                "s3://src/data/",
                dst,
                "--stores",
                stores.toString(),
                "--chunk-size",
                "5MiB",
                "--runner",
                "direct",
                "--output",
                tmp.resolve("out-" + System.nanoTime()).toString()));
    args.addAll(List.of(more));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    int status;
    try {
      PrintStream both = new PrintStream(out, true, StandardCharsets.UTF_8);
      System.setOut(both);
      System.setErr(both);
      status = SkyrelayCli.commandLine().execute(args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    stdout.print(printed);
    return new Object[] {status, printed, args.get(args.indexOf("--output") + 1)};
  }

  static JsonNode report(Object[] run) throws Exception {
    return new ObjectMapper().readTree(Path.of((String) run[2], "report.json").toFile());
  }

  @Test
  void writesCarryTheSettingsAndKmsCopiesVerifyAndStayInSync() throws Exception {
    String[] options = {
      "--storage-class", "standard_ia",
      "--sse", "aws:kms",
      "--sse-kms-key-id", "alias/backup",
      "--acl", "bucket-owner-full-control"
    };
    destination.clear();
    Object[] first = replicate("s3://dst/copy/", options);
    assertEquals(ExitStatus.OK, first[0], (String) first[1]);
    assertEquals(3, report(first).get("copied").asLong());
    List<Request> writes = destination.requests().stream().filter(Request::writesObject).toList();
    // two whole objects and one multipart upload
    assertEquals(3, writes.size(), destination.requests().toString());
    for (Request w : writes) {
      assertEquals("STANDARD_IA", w.header("x-amz-storage-class"), w.path());
      assertEquals("aws:kms", w.header("x-amz-server-side-encryption"), w.path());
      assertEquals("alias/backup", w.header("x-amz-server-side-encryption-aws-kms-key-id"));
      assertEquals("bucket-owner-full-control", w.header("x-amz-acl"), w.path());
    }
    Object[] second = replicate("s3://dst/copy/", options);
    assertEquals(ExitStatus.OK, second[0], (String) second[1]);
    assertEquals(0, report(second).get("copied").asLong(), (String) second[1]);
    assertEquals(3, report(second).get("skipped").asLong(), (String) second[1]);
  }

  @Test
  void valuesADestinationDoesNotTakeAreRefusedWithTheValidOnes() throws Exception {
    Object[] r = replicate("s3://dst/bad/", "--storage-class", "FROZEN");
    assertEquals(ExitStatus.USAGE, r[0]);
    assertTrue(
        ((String) r[1])
            .contains(
                "--storage-class for s3://dst/bad/: store setting storage-class expects one of"
                    + " STANDARD, REDUCED_REDUNDANCY, STANDARD_IA,"),
        (String) r[1]);
    r = replicate(tmp.resolve("local").toUri().toString(), "--sse", "AES256");
    assertEquals(ExitStatus.USAGE, r[0]);
    assertTrue(
        ((String) r[1]).contains("--sse: file:// stores have no server-side-encryption"),
        (String) r[1]);
    r = replicate("s3://dst/bad/", "--sse-kms-key-id", "alias/k");
    assertEquals(ExitStatus.USAGE, r[0]);
    assertTrue(((String) r[1]).contains("--sse-kms-key-id needs --sse aws:kms"), (String) r[1]);
  }
}
