package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -v}, {@code -q}, {@code --log-file}, {@code --log-format json} and {@code --stats}, with
 * standard output not a terminal (a buffer), as in a script or a CI log.
 */
class ReplicateLogsTest {

  @TempDir Path tmp;
  Path src;

  @BeforeEach
  void source() {
    src = tmp.resolve("src");
    try (ObjectStore s = ObjectStores.open(src.toUri().toString(), StoreSettings.EMPTY)) {
      ReplicateCommandTest.fill(s, "", 6, 0, 3);
    }
  }

  /** Runs replicate into {@code dst} and returns what it printed on standard output. */
  String run(String dst, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replicate",
                src.toUri().toString(),
                tmp.resolve(dst).toUri().toString(),
                "--runner",
                "direct",
                "--output",
                tmp.resolve(dst + "-out").toString()));
    args.addAll(List.of(more));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      status = SkyrelayCli.commandLine().execute(args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    stdout.print(printed);
    assertEquals(ExitStatus.OK, status, printed);
    return printed;
  }

  @Test
  void jsonLogsAreOneObjectPerLine() throws Exception {
    Path log = tmp.resolve("run.log");
    run("json", "-v", "--log-file", log.toString(), "--log-format", "json");
    List<String> lines = Files.readAllLines(log);
    assertFalse(lines.isEmpty());
    ObjectMapper json = new ObjectMapper();
    List<String> messages = new ArrayList<>();
    for (String line : lines) {
      JsonNode event = json.readTree(line); // every line is one whole object
      for (String field : List.of("time", "level", "logger", "thread", "message")) {
        assertTrue(event.hasNonNull(field), field + " missing in " + line);
      }
      messages.add(event.get("message").asText());
    }
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("replicate " + src.toUri())),
        messages.toString());
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("copied 6 objects")), messages.toString());

    // text into a file: appended, with dates
    run("text", "--log-file", log.toString());
    List<String> after = Files.readAllLines(log);
    assertTrue(after.size() > lines.size());
    assertTrue(
        after.get(after.size() - 1).matches("\\d{4}-\\d\\d-\\d\\dT.* INFO .*"), after.toString());
  }

  @Test
  void withoutATerminalStatsArePlainLinesAtTheInterval() {
    String out = run("stats", "--stats", "100ms");
    List<String> stats = out.lines().filter(l -> l.startsWith("stats: ")).toList();
    assertFalse(stats.isEmpty(), out);
    assertTrue(stats.get(stats.size() - 1).contains("6/6 objects"), out);
    assertFalse(out.contains("\r"), "no redrawn bar without a terminal");
    assertFalse(out.contains("[#"), out);

    String none = run("none", "--stats", "0");
    assertTrue(none.lines().noneMatch(l -> l.startsWith("stats: ")), none);
    assertTrue(none.contains("Replication summary"), none);

    String quiet = run("quiet", "-q", "--stats", "100ms");
    assertTrue(quiet.lines().noneMatch(l -> l.startsWith("stats: ")), quiet);
  }

  @Test
  void badValuesAreUsageErrors() {
    for (String[] bad :
        List.of(
            new String[] {"--stats", "often"},
            new String[] {"--log-format", "xml"},
            new String[] {"-v", "-q"})) {
      List<String> args =
          new ArrayList<>(
              List.of("replicate", src.toUri().toString(), tmp.resolve("x").toUri().toString()));
      args.addAll(List.of(bad));
      assertEquals(
          ExitStatus.USAGE, SkyrelayCli.commandLine().execute(args.toArray(String[]::new)));
    }
  }
}
