package io.skyrelay.pipelines.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GatewayCommandTest {

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

  @Test
  void helpNamesTheDemoAndTheConfig() {
    Run r = run("gateway", "--help");
    assertEquals(ExitStatus.OK, r.status());
    assertTrue(r.out().contains("--config"), r.out());
    assertTrue(r.out().contains("demo"), r.out());
  }

  @Test
  void withoutAConfigItSaysWhatToGive() {
    Run r = run("gateway");
    assertEquals(ExitStatus.USAGE, r.status());
    assertTrue(r.err().contains("--config"), r.err());
  }

  @Test
  void aBadConfigIsAUsageErrorNamingTheKeyAndLine() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        regions:
          - label: local:a
            listen: nowhere
            store: file:///tmp/a
        access-keys:
          - id: KEYID1
            secret: secret-value-1
        """);
    Run r = run("gateway", "--config", file.toString());
    assertEquals(ExitStatus.USAGE, r.status());
    assertTrue(r.err().contains("regions[0].listen (line 3)"), r.err());
    assertTrue(!r.err().contains("secret-value-1"), r.err());
  }
}
