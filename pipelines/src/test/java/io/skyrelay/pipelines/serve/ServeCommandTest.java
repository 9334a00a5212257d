package io.skyrelay.pipelines.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.service.auth.Signer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code skyrelay serve account}, {@code token} and {@code demo}. */
class ServeCommandTest {

  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SkyrelayCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void accountAndTokenCommandsMakeATokenTheServiceAccepts() {
    String folder = dir.resolve("svc").toString();
    Run add = run("serve", "account", "add", "alice", "--role", "researcher", "--dir", folder);
    assertEquals(0, add.status(), add.err());
    assertEquals("added researcher account alice", add.out().trim());

    Run token = run("serve", "token", "alice", "--ttl", "2h", "--dir", folder);
    assertEquals(0, token.status(), token.err());
    String t = token.out().trim();
    Signer signer = Signer.inFolder(dir.resolve("svc"));
    assertEquals("alice", signer.verify(t, Instant.now()).orElseThrow());
    assertTrue(signer.verify(t, Instant.now().plusSeconds(2 * 3600 + 1)).isEmpty());

    Run badRole = run("serve", "account", "add", "bob", "--role", "boss", "--dir", folder);
    assertEquals(2, badRole.status());
    assertTrue(badRole.err().contains("unknown role 'boss'"), badRole.err());
    Run nobody = run("serve", "token", "carol", "--dir", folder);
    assertEquals(2, nobody.status());
    assertTrue(nobody.err().contains("no account named 'carol'"), nobody.err());
  }

  /** The curl commands the demo prints, run as printed, end with the export downloaded. */
  @Test
  void demoPrintsCurlCommandsThatLeadToADownloadedExport() throws Exception {
    DemoService.Demo demo = DemoService.start(dir, 0);
    try {
      String text = DemoService.instructions(demo);
      assertTrue(text.contains(demo.service().publicUrl()), text);
      List<String> curls = new ArrayList<>();
      String token = null;
      String pending = "";
      for (String line : text.lines().map(String::trim).toList()) {
        if (line.startsWith("TOKEN=")) {
          token = line.substring("TOKEN=".length());
        } else if (line.startsWith("curl ") || !pending.isEmpty()) {
          String full = pending + line.replaceAll("\\s+#.*$", "");
          if (full.endsWith("\\")) {
            pending = full.substring(0, full.length() - 1) + " ";
          } else {
            curls.add(full);
            pending = "";
          }
        }
      }
      assertEquals(demo.researcherToken(), token);
      assertEquals(5, curls.size(), curls.toString());
      ObjectMapper json = new ObjectMapper();

      JsonNode found = json.readTree(sh(token, curls.get(0)));
      assertEquals("trips", found.get("datasets").get(0).get("name").asText());
      String id = json.readTree(sh(token, curls.get(1))).get("id").asText();
      String status = "";
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!status.equals("done") && System.nanoTime() < deadline) {
        JsonNode r = json.readTree(sh(token, curls.get(2).replace("ID", id)));
        status = r.get("status").asText();
        assertTrue(List.of("queued", "running", "done").contains(status), r.toString());
        Thread.sleep(50);
      }
      assertEquals("done", status);
      String url = json.readTree(sh(token, curls.get(3).replace("ID", id))).get("url").asText();
      sh(token, curls.get(4).replace("URL-FROM-THE-LINK", url));
      List<String> rows = Files.readAllLines(dir.resolve("oslo.csv"));
      assertEquals("trip_id,city,distance_km", rows.get(0));
      assertTrue(rows.size() > 1, "no row exported");
      for (String row : rows.subList(1, rows.size())) {
        String[] f = row.split(",");
        assertEquals("Oslo", f[1], row);
        assertTrue(Double.parseDouble(f[2]) >= 10, row);
      }
    } finally {
      demo.service().close();
    }
  }

  /** Runs {@code command} with bash in the test folder, TOKEN set; returns its output. */
  private String sh(String token, String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile());
    pb.environment().put("TOKEN", token);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
    assertEquals(0, p.exitValue(), command + ": " + out);
    return out;
  }
}
