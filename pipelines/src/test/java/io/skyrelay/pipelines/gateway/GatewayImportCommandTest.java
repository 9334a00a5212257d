package io.skyrelay.pipelines.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.Gateway;
import io.skyrelay.gateway.config.GatewayConfigLoader;
import io.skyrelay.gateway.namespace.ObjectVersion;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GatewayImportCommandTest {

  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SkyrelayCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private Path config() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        database: db
        regions:
          - label: local:east
            listen: 127.0.0.1:0
            store: %s
        buckets:
          - name: logs
            policy: pull-evict
        access-keys:
          - id: KEYID1
            secret: secret-value-1
        """
            .formatted(dir.resolve("east").toUri()));
    return file;
  }

  @Test
  void importsWhatIsThereOnceAndADryRunWritesNothing() throws Exception {
    Path config = config();
    Path legacy = dir.resolve("east/legacy");
    Files.createDirectories(legacy.resolve("app"));
    Files.writeString(legacy.resolve("app/1.log"), "one");
    Files.writeString(legacy.resolve("app/2.log"), "two!");
    String from = legacy.toUri().toString();
    String[] args = {
      "gateway",
      "import",
      "--config",
      config.toString(),
      "--bucket",
      "logs",
      "--region",
      "local:east",
      "--from",
      from
    };

    Run dry = run(concat(args, "--dry-run"));
    assertEquals(ExitStatus.OK, dry.status(), dry.err());
    assertTrue(dry.out().contains("Would import 2 objects (7 bytes)"), dry.out());

    Run first = run(args);
    assertEquals(ExitStatus.OK, first.status(), first.err());
    assertTrue(first.out().contains("Imported 2 objects (7 bytes); 0 already had"), first.out());

    Files.writeString(legacy.resolve("app/3.log"), "three");
    Run again = run(args);
    assertEquals(ExitStatus.OK, again.status(), again.err());
    assertTrue(again.out().contains("Imported 1 objects (5 bytes); 2 already had"), again.out());

    try (Gateway gateway = Gateway.start(GatewayConfigLoader.load(config))) {
      ObjectVersion v = gateway.namespace().readyVersion("logs", "app/2.log").orElseThrow();
      assertEquals(4, v.size());
      assertEquals("legacy/app/2.log", v.copies().get(0).physicalKey());
      assertEquals(3, gateway.namespace().list("logs", "", null, false, 10).size());
    }
  }

  @Test
  void aDryRunLeavesTheNamespaceEmpty() throws Exception {
    Path config = config();
    Files.createDirectories(dir.resolve("east/logs/x"));
    Files.writeString(dir.resolve("east/logs/x/a"), "a");
    Run dry =
        run(
            "gateway",
            "import",
            "--config",
            config.toString(),
            "--bucket",
            "logs",
            "--region",
            "local:east",
            "--dry-run");
    assertEquals(ExitStatus.OK, dry.status(), dry.err());
    assertTrue(dry.out().contains("Would import 1 objects"), dry.out());
    try (Gateway gateway = Gateway.start(GatewayConfigLoader.load(config))) {
      assertTrue(gateway.namespace().list("logs", "", null, false, 10).isEmpty());
    }
  }

  @Test
  void aLocationOutsideTheRegionsStoreIsAUsageError() throws Exception {
    Run r =
        run(
            "gateway",
            "import",
            "--config",
            config().toString(),
            "--bucket",
            "logs",
            "--region",
            "local:east",
            "--from",
            dir.resolve("elsewhere").toUri().toString());
    assertEquals(ExitStatus.USAGE, r.status());
    assertTrue(r.err().contains("not inside the region's store"), r.err());
    Run region =
        run(
            "gateway",
            "import",
            "--config",
            config().toString(),
            "--bucket",
            "logs",
            "--region",
            "local:west");
    assertEquals(ExitStatus.USAGE, region.status());
    assertTrue(region.err().contains("no region local:west"), region.err());
  }

  private static String[] concat(String[] a, String b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }
}
