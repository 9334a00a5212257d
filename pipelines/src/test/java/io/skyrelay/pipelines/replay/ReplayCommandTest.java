package io.skyrelay.pipelines.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReplayCommandTest {

  @TempDir Path dir;

  @Test
  void replaysTheDemoTraceAndWritesEveryFile() throws IOException {
    Path out = dir.resolve("out");
    Path workload = dir.resolve("workload.csv");
    int status =
        SkyrelayCli.commandLine()
            .execute(
                "replay",
                "run",
                "demo",
                "--workload",
                "B",
                "--seed",
                "3",
                "--out",
                out.toString(),
                "--workload-out",
                workload.toString());
    assertEquals(ExitStatus.OK, status);
    for (String f :
        List.of(
            "results.csv",
            "results.json",
            "cost-over-time.csv",
            "cost-by-policy.png",
            "cost-over-time.png",
            "latency-by-policy.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertEquals(10, json.get("policies").size());
    assertEquals("B", json.get("workload").asText());
    // The workload CSV replays to the same numbers.
    Path again = dir.resolve("again");
    assertEquals(
        ExitStatus.OK,
        SkyrelayCli.commandLine()
            .execute("replay", "run", workload.toString(), "--out", again.toString()));
    JsonNode json2 = new ObjectMapper().readTree(again.resolve("results.json").toFile());
    for (int i = 0; i < 10; i++) {
      assertEquals(
          json.get("policies").get(i).get("policy").asText(),
          json2.get("policies").get(i).get("policy").asText());
      assertEquals(
          json.get("policies").get(i).get("total_usd").asDouble(),
          json2.get("policies").get(i).get("total_usd").asDouble(),
          1e-12);
    }
  }

  @Test
  void badPolicyIsAUsageError() {
    CommandLine cl = SkyrelayCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int status = cl.execute("replay", "run", "demo", "--policies", "lfu", "--out", dir.toString());
    assertEquals(ExitStatus.USAGE, status);
    assertTrue(err.toString().contains("unknown policy 'lfu'"), err.toString());
  }

  @Test
  void strictModeStopsAtTheFirstMalformedLineWithItsNumber() throws IOException {
    Path trace = dir.resolve("bad.txt");
    Files.writeString(trace, "1000 REST.PUT.OBJECT 95d363d3fbdc0b03 1168\n1001 REST.GET.OBJECT\n");
    CommandLine cl = SkyrelayCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertEquals(
        ExitStatus.USAGE,
        cl.execute("replay", "run", trace.toString(), "--strict", "--out", dir.toString()));
    assertTrue(err.toString().contains("bad.txt:2: "), err.toString());
    // Without --strict the line is skipped, reported, and the exit status says so.
    assertEquals(
        ExitStatus.PARTIAL,
        SkyrelayCli.commandLine()
            .execute("replay", "run", trace.toString(), "--out", dir.resolve("o").toString()));
  }

  @Test
  void helpExplainsThePolicies() {
    CommandLine cl = SkyrelayCli.commandLine();
    StringWriter outText = new StringWriter();
    cl.setOut(new PrintWriter(outText));
    assertEquals(0, cl.execute("replay", "run", "--help"));
    assertTrue(outText.toString().contains("break-even"), outText.toString());
    StringWriter live = new StringWriter();
    cl.setOut(new PrintWriter(live));
    assertEquals(0, cl.execute("replay", "live", "--help"));
    assertTrue(live.toString().contains("--speedup"), live.toString());
  }
}
