package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit statuses of {@code replicate}, one test each, what a dry run says about refused deletes,
 * and the errors of mistyped option values.
 */
class ReplicateExitStatusTest {

  @TempDir Path tmp;

  /** The exit status and what the command wrote to standard output and error. */
  record Outcome(int status, String out, String err) {}

  Outcome run(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      var cl = SkyrelayCli.commandLine();
      cl.setErr(new PrintWriter(err, true));
      status = cl.execute(args);
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    stdout.print(printed);
    System.err.print(err);
    return new Outcome(status, printed, err.toString());
  }

  /** A source with 5 objects and a destination with those and 4 more. */
  Path[] sourceAndDestinationWithFourExtra() {
    Path src = tmp.resolve("s");
    Path dst = tmp.resolve("d");
    try (ObjectStore s = ObjectStores.open(src.toUri().toString(), StoreSettings.EMPTY);
        ObjectStore d = ObjectStores.open(dst.toUri().toString(), StoreSettings.EMPTY)) {
      ReplicateCommandTest.fill(s, "", 5, 0, 3);
      ReplicateCommandTest.fill(d, "", 5, 0, 3);
      for (int i = 0; i < 4; i++) {
        d.put("stale/" + i, new ByteArrayInputStream(new byte[] {1}), 1, PutOptions.DEFAULT);
      }
    }
    return new Path[] {src, dst};
  }

  @Test
  void zeroWhenEverythingIsDone() {
    Path[] sd = sourceAndDestinationWithFourExtra();
    Outcome o =
        run(
            "replicate",
            sd[0].toUri().toString(),
            sd[1].toUri().toString(),
            "--runner",
            "direct",
            "--output",
            tmp.resolve("o").toString());
    assertEquals(ExitStatus.OK, o.status());
  }

  @Test
  void aDryRunRefusesDeletesAsTheRunWouldSaysSoAndExitsOne() throws Exception {
    Path[] sd = sourceAndDestinationWithFourExtra();
    Path out = tmp.resolve("o");
    Outcome o =
        run(
            "replicate",
            sd[0].toUri().toString(),
            sd[1].toUri().toString(),
            "--delete",
            "--max-delete",
            "3",
            "--dry-run",
            "--runner",
            "direct",
            "--output",
            out.toString());
    assertEquals(ExitStatus.PARTIAL, o.status(), "the real run would exit 1");
    assertTrue(o.out().contains("the run would refuse all 4 deletes"), o.out());
    JsonNode r = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertEquals(4, r.get("deleteRefused").asLong());
    assertEquals(0, r.get("deleted").asLong());
    assertTrue(r.get("failures").get(0).get("error").asText().contains("--max-delete=3"));
    try (ObjectStore d = ObjectStores.open(sd[1].toUri().toString(), StoreSettings.EMPTY)) {
      assertEquals(9, d.listAllToList("").size(), "a dry run deletes nothing");
    }

    // Within the limit, the dry run plans the deletes and exits 0, as the run would.
    Outcome within =
        run(
            "replicate",
            sd[0].toUri().toString(),
            sd[1].toUri().toString(),
            "--delete",
            "--max-delete",
            "4",
            "--dry-run",
            "--runner",
            "direct",
            "--output",
            tmp.resolve("o2").toString());
    assertEquals(ExitStatus.OK, within.status());
    assertEquals(
        4,
        new ObjectMapper()
            .readTree(tmp.resolve("o2").resolve("report.json").toFile())
            .get("deleted")
            .asLong());
  }

  @Test
  void mistypedValuesNameTheOptionTheValueAndWhatIsAccepted() {
    String a = tmp.resolve("a").toUri().toString();
    String b = tmp.resolve("b").toUri().toString();
    Outcome diff = run("replicate", a, b, "--diff", "foo");
    assertEquals(ExitStatus.USAGE, diff.status());
    assertTrue(diff.err().contains("--diff"), diff.err());
    assertTrue(diff.err().contains("'foo' is not one of auto, etag, checksum, mtime"), diff.err());
    assertFalse(diff.err().contains("No enum constant"), diff.err());

    Outcome objective = run("replicate", a, b, "--objective", "cheapst");
    assertEquals(ExitStatus.USAGE, objective.status());
    assertTrue(objective.err().contains("--objective"), objective.err());
    assertTrue(
        objective.err().contains("'cheapst' is not one of direct, cheapest, fastest"),
        objective.err());

    for (String option : List.of("--chunk-size", "--emulate-links")) {
      Outcome size = run("replicate", a, b, option, "lots");
      assertEquals(ExitStatus.USAGE, size.status(), option);
      assertTrue(size.err().contains(option), size.err());
      assertTrue(size.err().contains("'lots' is not a size; write it like 64MiB"), size.err());
    }
    assertFalse(Files.exists(tmp.resolve("b")), "nothing was done");
  }

  @Test
  void theHelpListsTheExitStatuses() {
    StringWriter help = new StringWriter();
    var cl = SkyrelayCli.commandLine();
    cl.setOut(new PrintWriter(help, true));
    assertEquals(0, cl.execute("replicate", "--help"));
    String text = help.toString().replaceAll("\\s+", " "); // as read, whatever the wrapping
    for (String line :
        List.of(
            "0 every object was copied",
            "1 some objects failed, or deletes were refused",
            "2 bad arguments or configuration",
            "3 the job itself failed")) {
      assertTrue(text.contains(line), line + " in\n" + text);
    }
    assertTrue(text.contains("One of auto, etag, checksum, mtime"), text);
  }

  /**
   * A destination bucket that does not exist (a typo, or one deleted meanwhile) makes the job
   * itself fail: status 3, with the store's error, not a Java exception's name.
   */
  @Test
  void threeWhenTheJobItselfFails() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.startInMemory()) {
      server.createBucket("present");
      Path stores =
          Files.writeString(
              tmp.resolve("stores.yaml"),
              "stores:\n"
                  + "  - uri: s3://present\n"
                  + "    endpoint: "
                  + server.endpoint()
                  + "\n    region-name: us-east-1\n    access-key-id: "
                  + S3ProxyServer.ACCESS_KEY
                  + "\n    secret-access-key: "
                  + S3ProxyServer.SECRET_KEY
                  + "\n  - uri: s3://no-such-bucket\n    endpoint: "
                  + server.endpoint()
                  + "\n    region-name: us-east-1\n    access-key-id: "
                  + S3ProxyServer.ACCESS_KEY
                  + "\n    secret-access-key: "
                  + S3ProxyServer.SECRET_KEY
                  + "\n");
      Path src = tmp.resolve("s");
      try (ObjectStore s = ObjectStores.open(src.toUri().toString(), StoreSettings.EMPTY)) {
        ReplicateCommandTest.fill(s, "", 3, 0, 1);
      }
      Outcome o =
          run(
              "replicate",
              src.toUri().toString(),
              "s3://no-such-bucket/copy/",
              "--stores",
              stores.toString(),
              "--runner",
              "direct",
              "--output",
              tmp.resolve("o").toString());
      assertEquals(ExitStatus.JOB_FAILED, o.status(), o.err());
      assertTrue(o.err().contains("skyrelay: the job failed: "), o.err());
      assertTrue(o.err().contains("no-such-bucket"), o.err());
      assertFalse(o.err().contains("Exception"), o.err());
    }
  }
}
