package io.skyrelay.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.service.auth.Role;
import io.skyrelay.service.auth.Signer;
import io.skyrelay.service.catalogue.Csv;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's API over real HTTP: a service started on a free port over a folder of generated
 * data, driven with Java's HTTP client as an admin and two researchers.
 */
class ServiceApiTest {

  /** Between two looks at a job's status (jobs run on the same two cores as the test). */
  private static final long POLL_MILLIS = 20;

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private Path folder;
  private Path data;
  private SkyrelayService service;
  private String admin;
  private String alice;
  private String bob;

  @BeforeEach
  void setUp() throws Exception {
    folder = dir.resolve("service");
    data = DemoData.write(dir.resolve("data"));
    try (ServiceAccounts accounts = ServiceAccounts.open(config(true))) {
      accounts.put("root", Role.ADMIN);
      accounts.put("alice", Role.RESEARCHER);
      accounts.put("bob", Role.RESEARCHER);
      admin = accounts.token("root", Duration.ofHours(1));
      alice = accounts.token("alice", Duration.ofHours(1));
      bob = accounts.token("bob", Duration.ofHours(1));
    }
  }

  @AfterEach
  void tearDown() {
    if (service != null) {
      service.close();
    }
  }

  /** The database the service uses; null for the embedded one in its folder. */
  String jdbcUrl() {
    return null;
  }

  private ServiceConfig config(boolean runExports) {
    return new ServiceConfig(
        folder, jdbcUrl(), "127.0.0.1", 0, null, null, Duration.ofHours(1), runExports);
  }

  private void start(boolean runExports) throws Exception {
    if (service != null) {
      service.close();
    }
    service = SkyrelayService.start(config(runExports));
  }

  @Test
  void routesCheckTokensAndRoles() throws Exception {
    start(true);
    HttpResponse<String> openapi = send("GET", "/openapi.yaml", null, null);
    assertEquals(200, openapi.statusCode());
    assertTrue(openapi.body().contains("/api/exports/{id}/link:"), openapi.body());
    assertEquals(401, send("GET", "/api/datasets", null, null).statusCode());
    assertEquals(401, send("GET", "/api/datasets", "v1.forged.token", null).statusCode());
    String expired =
        Signer.inFolder(folder)
            .token("alice", Duration.ofMinutes(5), Instant.now().minusSeconds(600));
    assertEquals(401, send("GET", "/api/datasets", expired, null).statusCode());
    String tampered = alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA";
    assertEquals(401, send("GET", "/api/datasets", tampered, null).statusCode());

    HttpResponse<String> refused = send("POST", "/api/datasets", alice, trips("trips"));
    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("only admins may add datasets"), refused.body());
    assertEquals(201, send("POST", "/api/datasets", admin, trips("trips")).statusCode());
    assertEquals(403, send("POST", "/api/datasets/trips/profile", alice, null).statusCode());
    assertEquals("researcher", json(send("GET", "/api/me", alice, null)).get("role").asText());
    awaitProfile("trips");

    // bob cannot see alice's request, nor fetch its link; a link with a wrong signature is refused
    JsonNode r = json(send("POST", "/api/exports", alice, "{\"dataset\":\"trips\"}"));
    String id = r.get("id").asText();
    assertEquals(404, send("GET", "/api/exports/" + id, bob, null).statusCode());
    assertEquals(404, send("GET", "/api/exports/" + id + "/link", bob, null).statusCode());
    awaitStatus(id, alice, "done");
    String url = json(send("GET", "/api/exports/" + id + "/link", alice, null)).get("url").asText();
    String forged = url.replaceAll("signature=[^&]*", "signature=AAAA");
    assertEquals(403, get(forged).statusCode());
    assertEquals(200, get(url).statusCode());
    // the token never shows up in the service's files (logs go to the console)
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(
            new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(alice),
            f + " holds a token");
      }
    }
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(folder.resolve(Signer.KEY_FILE))));
  }

  @Test
  void profileFillsInStatisticsAndSearchFindsByNameTagAndColumn() throws Exception {
    start(true);
    assertEquals(201, send("POST", "/api/datasets", admin, trips("trips")).statusCode());
    assertEquals(201, send("POST", "/api/datasets", admin, objects("media")).statusCode());
    JsonNode trips = awaitProfile("trips");
    JsonNode profile = trips.get("profile");
    assertEquals(2, profile.get("objects").asLong());
    assertEquals(1, profile.get("contentTypes").size());
    assertEquals(2, profile.get("contentTypes").get("text/csv").asLong());
    JsonNode table = profile.get("table");
    assertEquals(2L * DemoData.ROWS_PER_FILE, table.get("rows").asLong());
    Map<String, String> types = new TreeMap<>();
    Map<String, JsonNode> columns = new HashMap<>();
    for (JsonNode c : table.get("columns")) {
      types.put(c.get("name").asText(), c.get("type").asText());
      columns.put(c.get("name").asText(), c);
    }
    assertEquals(
        Map.of(
            "trip_id", "INTEGER",
            "city", "STRING",
            "distance_km", "FLOAT",
            "passengers", "INTEGER",
            "paid", "BOOLEAN",
            "started_at", "DATETIME"),
        types);
    List<List<String>> rows = tripRows();
    assertEquals(
        rows.stream().filter(r -> r.get(3).isEmpty()).count(),
        columns.get("passengers").get("nulls").asLong());
    assertEquals(2L * DemoData.ROWS_PER_FILE, columns.get("trip_id").get("distinct").asLong());
    assertEquals(5, columns.get("city").get("distinct").asLong());
    Map<String, Long> cityCounts = new HashMap<>();
    rows.forEach(r -> cityCounts.merge(r.get(1), 1L, Long::sum));
    JsonNode topCity = columns.get("city").get("topValues").get(0);
    assertEquals(
        cityCounts.values().stream().mapToLong(Long::longValue).max().orElseThrow(),
        topCity.get("count").asLong());
    assertEquals(5, table.get("sampleRows").size());

    JsonNode media = awaitProfile("media").get("profile");
    assertEquals(12, media.get("objects").asLong());
    long bytes;
    try (Stream<Path> files = Files.walk(data.resolve("objects"))) {
      bytes = files.filter(Files::isRegularFile).mapToLong(ServiceApiTest::size).sum();
    }
    assertEquals(bytes, media.get("bytes").asLong());
    long inHistogram = 0;
    for (JsonNode b : media.get("sizeHistogram")) {
      inHistogram += b.get("objects").asLong();
    }
    assertEquals(12, inHistogram);
    assertEquals(6, media.get("contentTypes").get("image/jpeg").asLong());
    assertEquals("images/img-0.jpg", media.get("sampleKeys").get(0).asText());

    assertEquals(List.of("trips"), names(search(alice, "column=CITY")));
    assertEquals(List.of("media"), names(search(alice, "tag=binary")));
    assertEquals(List.of("media", "trips"), names(search(alice, "tag=demo")));
    assertEquals(List.of("trips"), names(search(alice, "q=taxi")));
    assertEquals(List.of(), names(search(alice, "q=taxi&tag=binary")));
  }

  @Test
  void identicalRequestsOfTwoUsersAreOneJob() throws Exception {
    start(false);
    addTripsAndProfile();
    String spec =
        "{\"dataset\":\"trips\",\"columns\":[\"passengers\",\"city\"],"
            + "\"filters\":[{\"column\":\"city\",\"op\":\"=\",\"value\":\"Oslo\"}]}";
    String same =
        "{\"columns\":[\"city\",\"passengers\"],\"dataset\":\"trips\",\"sampleRatio\":1.0,"
            + "\"filters\":[{\"op\":\"=\",\"column\":\"city\",\"value\":\"Oslo\"}]}";
    HttpResponse<String> first = send("POST", "/api/exports", alice, spec);
    HttpResponse<String> second = send("POST", "/api/exports", bob, same);
    assertEquals(201, first.statusCode());
    assertEquals(200, second.statusCode());
    JsonNode joined = json(second);
    assertTrue(joined.get("joined").asBoolean());
    assertEquals(json(first).get("id").asText(), joined.get("id").asText());
    assertEquals(List.of("alice", "bob"), strings(joined.get("waiters")));
    assertEquals(1, json(send("GET", "/api/exports", admin, null)).get("exports").size());

    start(true);
    String id = joined.get("id").asText();
    JsonNode done = awaitStatus(id, bob, "done");
    assertEquals(1.0, done.get("progress").asDouble());
    assertEquals(1, json(send("GET", "/api/exports", admin, null)).get("exports").size());
    try (Stream<Path> exports = Files.list(folder.resolve("exports"))) {
      // the local store keeps its temporaries in a hidden folder
      assertEquals(
          List.of(id),
          exports.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList());
    }
    // once done, the same request again is a new job (its data may have changed)
    HttpResponse<String> again = send("POST", "/api/exports", alice, spec);
    assertEquals(201, again.statusCode());
    assertFalse(json(again).get("id").asText().equals(id));
  }

  @Test
  void statusGoesFromQueuedThroughRunningToDoneAndSurvivesARestart() throws Exception {
    start(false);
    addTripsAndProfile();
    JsonNode queued =
        json(send("POST", "/api/exports", alice, "{\"dataset\":\"trips\",\"sampleRatio\":0.5}"));
    String id = queued.get("id").asText();
    assertEquals("queued", queued.get("status").asText());
    assertEquals(0.0, queued.get("progress").asDouble());

    // a restart loses no request: the queued request is there, and runs
    start(true);
    List<String> seen = new ArrayList<>();
    JsonNode last =
        poll(
            id,
            alice,
            r -> {
              String s = r.get("status").asText();
              if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
                seen.add(s);
              }
              return s.equals("done") || s.equals("failed");
            });
    assertEquals("done", last.get("status").asText(), last.toString());
    assertTrue(
        List.of(
                List.of("queued", "running", "done"),
                List.of("running", "done"),
                List.of("queued", "done"),
                List.of("done"))
            .contains(seen),
        "statuses seen: " + seen);
    long sampled = last.get("rows").asLong();
    assertTrue(sampled > 0 && sampled < 2L * DemoData.ROWS_PER_FILE, "rows " + sampled);

    // and after another restart the finished request is still done, with its link working
    start(true);
    JsonNode after = json(send("GET", "/api/exports/" + id, alice, null));
    assertEquals("done", after.get("status").asText());
    String url = json(send("GET", "/api/exports/" + id + "/link", alice, null)).get("url").asText();
    assertEquals(sampled + 1, get(url).body().lines().count());
  }

  @Test
  void cancellingRemovesTheRequesterAndTheLastOneCancelsTheJob() throws Exception {
    start(false);
    addTripsAndProfile();
    String spec = "{\"dataset\":\"trips\",\"keyPrefixes\":[\"2024-03\"]}";
    String id = json(send("POST", "/api/exports", alice, spec)).get("id").asText();
    send("POST", "/api/exports", bob, spec);

    JsonNode afterAlice = json(send("DELETE", "/api/exports/" + id, alice, null));
    assertEquals("queued", afterAlice.get("status").asText());
    assertEquals(List.of("bob"), strings(afterAlice.get("waiters")));
    assertEquals(409, send("DELETE", "/api/exports/" + id, alice, null).statusCode());

    JsonNode afterBob = json(send("DELETE", "/api/exports/" + id, bob, null));
    assertEquals("cancelled", afterBob.get("status").asText());
    assertEquals(List.of(), strings(afterBob.get("waiters")));

    // a cancelled request is not joined again: the same spec is a new request
    HttpResponse<String> again = send("POST", "/api/exports", bob, spec);
    assertEquals(201, again.statusCode());
    String second = json(again).get("id").asText();

    start(true);
    awaitStatus(second, bob, "done");
    assertEquals(
        "cancelled", json(send("GET", "/api/exports/" + id, admin, null)).get("status").asText());
    assertFalse(Files.exists(folder.resolve("exports").resolve(id)), "the cancelled job ran");
  }

  @Test
  void aRunningJobStopsWhenItsLastWaiterLeaves() throws Exception {
    Path big = data.resolve("big");
    Files.createDirectories(big);
    StringBuilder csv = new StringBuilder("id,name\n");
    for (int i = 0; i < 200_000; i++) {
      csv.append(i).append(",row-").append(i).append('\n');
    }
    Files.writeString(big.resolve("rows.csv"), csv);
    start(true);
    String body = "{\"name\":\"big\",\"format\":\"csv\",\"uri\":\"file://" + big + "\"}";
    assertEquals(201, send("POST", "/api/datasets", admin, body).statusCode());
    awaitProfile("big");

    String spec = "{\"dataset\":\"big\",\"columns\":[\"name\"]}";
    String id = json(send("POST", "/api/exports", alice, spec)).get("id").asText();
    send("POST", "/api/exports", bob, spec);
    poll(id, alice, r -> !r.get("status").asText().equals("queued"));
    assertEquals(java.util.Optional.of(id), service.runningExport(), "the job is not running");
    send("DELETE", "/api/exports/" + id, alice, null);
    assertEquals(
        "running", json(send("GET", "/api/exports/" + id, bob, null)).get("status").asText());
    assertEquals(
        "cancelled", json(send("DELETE", "/api/exports/" + id, bob, null)).get("status").asText());

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (service.runningExport().isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS);
    }
    assertTrue(service.runningExport().isEmpty(), "the job still runs");
    assertEquals(
        "cancelled", json(send("GET", "/api/exports/" + id, admin, null)).get("status").asText());
    assertFalse(
        Files.exists(folder.resolve("exports").resolve(id).resolve("export.csv")),
        "the cancelled job ran to its end");
  }

  @Test
  void filteredTabularExportHoldsExactlyTheMatchingRows() throws Exception {
    start(true);
    addTripsAndProfile();
    String spec =
        "{\"dataset\":\"trips\",\"columns\":[\"started_at\",\"trip_id\",\"passengers\"],"
            + "\"filters\":["
            + "{\"column\":\"city\",\"op\":\"=\",\"value\":\"Oslo\"},"
            + "{\"column\":\"passengers\",\"op\":\">=\",\"value\":2},"
            + "{\"column\":\"paid\",\"op\":\"=\",\"value\":true},"
            + "{\"column\":\"started_at\",\"op\":\"<\",\"value\":\"2024-04-15\"}]}";
    String id = json(send("POST", "/api/exports", alice, spec)).get("id").asText();
    JsonNode done = awaitStatus(id, alice, "done");
    String url = json(send("GET", "/api/exports/" + id + "/link", alice, null)).get("url").asText();
    HttpResponse<String> csv = get(url);
    assertEquals(200, csv.statusCode());
    List<String> lines = csv.body().lines().toList();
    assertEquals("trip_id,passengers,started_at", lines.get(0));

    Set<String> expected = new HashSet<>();
    Instant limit = Instant.parse("2024-04-15T00:00:00Z");
    for (List<String> r : tripRows()) {
      if (r.get(1).equals("Oslo")
          && !r.get(3).isEmpty()
          && Integer.parseInt(r.get(3)) >= 2
          && r.get(4).equals("true")
          && Instant.parse(r.get(5)).isBefore(limit)) {
        expected.add(r.get(0) + "," + r.get(3) + "," + r.get(5));
      }
    }
    assertFalse(expected.isEmpty());
    assertEquals(expected, new HashSet<>(lines.subList(1, lines.size())));
    assertEquals(expected.size(), lines.size() - 1, "a row written twice");
    assertEquals(expected.size(), done.get("rows").asLong());
  }

  @Test
  void objectExportCopiesTheSelectedObjects() throws Exception {
    start(true);
    assertEquals(201, send("POST", "/api/datasets", admin, objects("media")).statusCode());
    awaitProfile("media");
    String id =
        json(send(
                "POST",
                "/api/exports",
                bob,
                "{\"dataset\":\"media\",\"keyPrefixes\":[\"logs/\"],\"keyGlob\":\"**/app-[0-2]*\"}"))
            .get("id")
            .asText();
    HttpResponse<String> bad =
        send("POST", "/api/exports", bob, "{\"dataset\":\"media\",\"columns\":[\"x\"]}");
    assertEquals(400, bad.statusCode());
    awaitStatus(id, bob, "done");
    String url = json(send("GET", "/api/exports/" + id + "/link", bob, null)).get("url").asText();
    HttpResponse<byte[]> zip =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    Map<String, byte[]> entries = new TreeMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    assertEquals(
        List.of("logs/app-0.log", "logs/app-1.log", "logs/app-2.log"),
        List.copyOf(entries.keySet()));
    for (var e : entries.entrySet()) {
      assertTrue(
          java.util.Arrays.equals(
              Files.readAllBytes(data.resolve("objects").resolve(e.getKey())), e.getValue()),
          e.getKey());
    }
  }

  @Test
  void invalidRequestsAreRefusedNamingWhatIsWrong() throws Exception {
    start(false);
    addTripsAndProfile();
    assertRefused(
        "{\"dataset\":\"trips\",\"filters\":[{\"column\":\"fare\",\"op\":\"=\",\"value\":1}]}",
        "filters[0].column: unknown column 'fare'");
    assertRefused(
        "{\"dataset\":\"trips\",\"filters\":[{\"column\":\"city\",\"op\":\"=\",\"value\":\"Oslo\"},"
            + "{\"column\":\"paid\",\"op\":\">\",\"value\":true}]}",
        "filters[1].op: operator '>' is not allowed on BOOLEAN column 'paid'");
    assertRefused(
        "{\"dataset\":\"trips\",\"filters\":[{\"column\":\"passengers\",\"op\":\">\",\"value\":\"two\"}]}",
        "filters[0].value: \\\"two\\\" is not an INTEGER (column 'passengers')");
    assertRefused(
        "{\"dataset\":\"trips\",\"filters\":[{\"column\":\"started_at\",\"op\":\">\",\"value\":\"yesterday\"}]}",
        "filters[0].value: \\\"yesterday\\\" is not a DATETIME");
    assertRefused(
        "{\"dataset\":\"trips\",\"columns\":[\"city\",\"town\"]}",
        "columns[1]: unknown column 'town'");
    assertRefused("{\"dataset\":\"trips\",\"sampleRatio\":1.5}", "sampleRatio");
    assertRefused("{\"dataset\":\"trips\",\"colums\":[\"city\"]}", "unknown field 'colums'");
    assertEquals(404, send("POST", "/api/exports", alice, "{\"dataset\":\"nope\"}").statusCode());
    assertEquals(0, json(send("GET", "/api/exports", admin, null)).get("exports").size());
  }

  private void assertRefused(String body, String message) throws Exception {
    HttpResponse<String> r = send("POST", "/api/exports", alice, body);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains(message), r.body() + " does not say " + message);
  }

  private void addTripsAndProfile() throws Exception {
    assertEquals(201, send("POST", "/api/datasets", admin, trips("trips")).statusCode());
    awaitProfile("trips");
  }

  private String trips(String name) {
    return "{\"name\":\""
        + name
        + "\",\"description\":\"Taxi trips, one row each\",\"owners\":[\"root\"],"
        + "\"tags\":[\"demo\",\"tabular\"],\"format\":\"csv\",\"uri\":\"file://"
        + data
        + "\",\"prefix\":\"trips/\"}";
  }

  private String objects(String name) {
    return "{\"name\":\""
        + name
        + "\",\"description\":\"Images and logs\",\"owners\":[\"root\"],"
        + "\"tags\":[\"demo\",\"binary\"],\"uri\":\"file://"
        + data.resolve("objects")
        + "\"}";
  }

  private List<List<String>> tripRows() throws IOException {
    List<List<String>> rows = new ArrayList<>();
    for (String f : List.of("2024-03.csv", "2024-04.csv")) {
      List<String> lines = Files.readAllLines(data.resolve("trips").resolve(f));
      lines.subList(1, lines.size()).forEach(l -> rows.add(Csv.parse(l)));
    }
    return rows;
  }

  private JsonNode search(String token, String query) throws Exception {
    return json(send("GET", "/api/datasets?" + query, token, null));
  }

  private static List<String> names(JsonNode found) {
    List<String> names = new ArrayList<>();
    found.get("datasets").forEach(d -> names.add(d.get("name").asText()));
    return names;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private JsonNode awaitProfile(String name) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode d = json(send("GET", "/api/datasets/" + name, alice, null));
      String status = d.get("profileStatus").asText();
      if (status.equals("done")) {
        return d;
      }
      if (status.equals("failed")) {
        fail("profiling " + name + " failed: " + d.get("profileMessage"));
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new AssertionError("profile of " + name + " not done in 120 s");
  }

  private JsonNode awaitStatus(String id, String token, String status) throws Exception {
    JsonNode r =
        poll(id, token, x -> !List.of("queued", "running").contains(x.get("status").asText()));
    assertEquals(status, r.get("status").asText(), r.toString());
    return r;
  }

  /** Polls the request until {@code until} holds (at most two minutes). */
  private JsonNode poll(String id, String token, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode r = json(send("GET", "/api/exports/" + id, token, null));
      if (until.test(r)) {
        return r;
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new AssertionError("export " + id + " did not finish in 120 s");
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    if (r.statusCode() >= 300) {
      fail(r.statusCode() + " " + r.body());
    }
    return Json.MAPPER.readTree(r.body());
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
