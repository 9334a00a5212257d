package io.skyrelay.pipelines.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.pipelines.common.ExitStatus;
import io.skyrelay.service.DemoData;
import io.skyrelay.service.ServiceAccounts;
import io.skyrelay.service.ServiceConfig;
import io.skyrelay.service.SkyrelayService;
import io.skyrelay.service.auth.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code skyrelay serve demo}: the service with nothing installed, over a folder holding two small
 * generated datasets (objects and a CSV table), an admin and a researcher account; prints the URL,
 * both tokens and curl commands from a search to a downloaded export.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the catalogue and export service with nothing installed: generated datasets in a"
          + " folder (media: images and logs; trips: a CSV table), both profiled, an admin and a"
          + " researcher account; prints the URL, the tokens and curl examples. Runs until"
          + " interrupted."
    })
final class DemoService implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Keep the data and the service folder here (default: a new temp dir).")
  Path dir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "The port (default: a free one).",
      defaultValue = "0")
  int port;

  /** A started demo: the service and the tokens of its two accounts. */
  record Demo(SkyrelayService service, String adminToken, String researcherToken, Path dir) {}

  @Override
  public Integer call() throws Exception {
    Path d = dir != null ? dir : Files.createTempDirectory("skyrelay-serve-");
    Demo demo = start(d, port);
    PrintWriter out = spec.commandLine().getOut();
    out.print(instructions(demo));
    out.flush();
    ServeCommand.awaitShutdown(demo.service());
    return ExitStatus.OK;
  }

  /**
   * Writes the demo data under {@code dir}, adds the accounts, starts the service and adds both
   * datasets through its API, waiting until they are profiled.
   */
  static Demo start(Path dir, int port) throws Exception {
    Path data = DemoData.write(dir.resolve("data"));
    ServiceConfig config = ServiceConfig.inFolder(dir.resolve("service"), port);
    String admin;
    String researcher;
    try (ServiceAccounts accounts = ServiceAccounts.open(config)) {
      accounts.put("admin", Role.ADMIN);
      accounts.put("researcher", Role.RESEARCHER);
      admin = accounts.token("admin", Duration.ofDays(1));
      researcher = accounts.token("researcher", Duration.ofDays(1));
    }
    SkyrelayService service = SkyrelayService.start(config);
    try {
      HttpClient http = HttpClient.newHttpClient();
      addDataset(
          http,
          service,
          admin,
          Map.of(
              "name",
              "trips",
              "description",
              "Taxi trips in five cities, one row per trip",
              "owners",
              List.of("admin"),
              "tags",
              List.of("demo", "tabular"),
              "format",
              "csv",
              "uri",
              "file://" + data.resolve("trips").toAbsolutePath()));
      addDataset(
          http,
          service,
          admin,
          Map.of(
              "name",
              "media",
              "description",
              "Images and application logs",
              "owners",
              List.of("admin"),
              "tags",
              List.of("demo", "binary"),
              "uri",
              "file://" + data.resolve("objects").toAbsolutePath()));
      for (String name : List.of("trips", "media")) {
        awaitProfile(http, service, admin, name);
      }
      return new Demo(service, admin, researcher, dir);
    } catch (Exception | Error e) {
      service.close();
      throw e;
    }
  }

  static String instructions(Demo demo) {
    String url = demo.service().publicUrl();
    String auth = "-H \"Authorization: Bearer $TOKEN\"";
    return String.join(
        "\n",
        "Skyrelay service demo: " + url,
        "  data      " + demo.dir().resolve("data").toAbsolutePath() + " (datasets trips, media)",
        "  folder    " + demo.dir().resolve("service").toAbsolutePath(),
        "  API       " + url + "/openapi.yaml",
        "",
        "Tokens (valid one day):",
        "  admin       " + demo.adminToken(),
        "  researcher  " + demo.researcherToken(),
        "",
        "Try, as the researcher:",
        "  TOKEN=" + demo.researcherToken(),
        "  curl -s " + auth + " '" + url + "/api/datasets?column=city'",
        "  curl -s " + auth + " -H 'Content-Type: application/json' " + url + "/api/exports \\",
        "    -d '{\"dataset\":\"trips\",\"columns\":[\"trip_id\",\"city\",\"distance_km\"],"
            + "\"filters\":[{\"column\":\"city\",\"op\":\"=\",\"value\":\"Oslo\"},"
            + "{\"column\":\"distance_km\",\"op\":\">=\",\"value\":10}]}'",
        "  curl -s " + auth + " " + url + "/api/exports/ID          # status and progress",
        "  curl -s " + auth + " " + url + "/api/exports/ID/link     # an expiring link, once done",
        "  curl -s -o oslo.csv 'URL-FROM-THE-LINK'",
        "",
        "Serving until interrupted (Ctrl-C).",
        "");
  }

  private static void addDataset(
      HttpClient http, SkyrelayService service, String token, Map<String, Object> body)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(service.publicUrl() + "/api/datasets"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IllegalStateException("adding the demo dataset failed: " + r.body());
    }
  }

  private static void awaitProfile(
      HttpClient http, SkyrelayService service, String token, String name)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(service.publicUrl() + "/api/datasets/" + name))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode d = JSON.readTree(r.body());
      String status = d.path("profileStatus").asText();
      if (status.equals("done")) {
        return;
      }
      if (status.equals("failed")) {
        throw new IllegalStateException(
            "profiling the demo dataset " + name + " failed: " + d.path("profileMessage").asText());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the demo dataset " + name + " was not profiled in 3 minutes");
  }
}
