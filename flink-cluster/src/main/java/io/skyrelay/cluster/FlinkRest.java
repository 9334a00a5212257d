package io.skyrelay.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The few calls of Flink's REST API that running and operating a job needs. */
public final class FlinkRest {

  /** One job as {@code GET /jobs/overview} lists it. */
  public record Job(String id, String name, String state, long startTime, long durationMs) {
    public boolean running() {
      return switch (state) {
        case "INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "FAILING" -> true;
        default -> false;
      };
    }
  }

  /** What {@code GET /overview} says about the cluster. */
  public record Overview(
      int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning, String version) {}

  /** Where a job is: its state, how long it ran, and how far its steps got. */
  public record JobProgress(
      String state, long durationMs, int steps, int stepsFinished, long recordsRead) {

    /** One line for a terminal. */
    public String describe() {
      return String.format(
          "%s for %d s, %d of %d steps finished, %,d records read between steps",
          state, durationMs / 1000, stepsFinished, steps, recordsRead);
    }
  }

  /** Checkpoint counts of a job and the location of the latest completed checkpoint. */
  public record Checkpoints(
      long completed, long failed, long restored, String latestPath, String restoredFrom) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http;

  /**
   * @param master {@code HOST:PORT} of the REST endpoint, or a URL
   */
  public FlinkRest(String master) {
    this.base = master.startsWith("http") ? master.replaceAll("/+$", "") : "http://" + master;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public String baseUrl() {
    return base;
  }

  /** The cluster overview, or empty when the REST endpoint does not answer. */
  public Optional<Overview> overview() {
    try {
      JsonNode n = get("/overview");
      return Optional.of(
          new Overview(
              n.path("taskmanagers").asInt(),
              n.path("slots-total").asInt(),
              n.path("slots-available").asInt(),
              n.path("jobs-running").asInt(),
              n.path("flink-version").asText()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** All jobs the cluster knows, newest first. */
  public List<Job> jobs() throws IOException {
    List<Job> jobs = new ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      jobs.add(
          new Job(
              j.path("jid").asText(),
              j.path("name").asText(),
              j.path("state").asText(),
              j.path("start-time").asLong(),
              j.path("duration").asLong()));
    }
    jobs.sort((a, b) -> Long.compare(b.startTime(), a.startTime()));
    return jobs;
  }

  /** The newest job with this name that is not finished, if any. */
  public Optional<Job> runningJob(String name) throws IOException {
    return jobs().stream().filter(j -> j.name().equals(name) && j.running()).findFirst();
  }

  /** The state of a job ({@code RUNNING}, {@code FINISHED}, ...). */
  public String jobState(String jobId) throws IOException {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** State, duration and per-step progress of a job ({@code GET /jobs/:id}). */
  public JobProgress progress(String jobId) throws IOException {
    JsonNode n = get("/jobs/" + jobId);
    int steps = 0;
    int finished = 0;
    long read = 0;
    for (JsonNode v : n.path("vertices")) {
      steps++;
      if (v.path("status").asText().equals("FINISHED")) {
        finished++;
      }
      read += v.path("metrics").path("read-records").asLong();
    }
    return new JobProgress(
        n.path("state").asText(), n.path("duration").asLong(), steps, finished, read);
  }

  /**
   * The sum over all steps and subtasks of the job's metrics whose name ends with one of {@code
   * suffixes}, or empty when the cluster has no such metric (yet: the REST API refreshes metrics
   * every few seconds). Beam's counters are operator metrics named {@code OPERATOR.NAMESPACE_NAME}.
   */
  public java.util.OptionalLong sumOfMetric(String jobId, String... suffixes) throws IOException {
    long total = 0;
    boolean found = false;
    for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
      String base = "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
      List<String> ids = new ArrayList<>();
      for (JsonNode m : get(base)) {
        String id = m.path("id").asText();
        for (String suffix : suffixes) {
          if (id.endsWith(suffix)) {
            ids.add(id);
            break;
          }
        }
      }
      if (ids.isEmpty()) {
        continue;
      }
      String query =
          ids.stream()
              .map(id -> java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8))
              .reduce((a, b) -> a + "," + b)
              .orElseThrow();
      for (JsonNode m : get(base + "?agg=sum&get=" + query)) {
        total += (long) m.path("sum").asDouble();
        found = true;
      }
    }
    return found ? java.util.OptionalLong.of(total) : java.util.OptionalLong.empty();
  }

  /** The names of the job's subtask metrics, per step, for diagnostics. */
  public List<String> metricNames(String jobId) throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
      String base = "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
      for (JsonNode m : get(base)) {
        names.add(v.path("name").asText() + " :: " + m.path("id").asText());
      }
    }
    return names;
  }

  /** Checkpoint statistics of a job. */
  public Checkpoints checkpoints(String jobId) throws IOException {
    JsonNode n = get("/jobs/" + jobId + "/checkpoints");
    JsonNode counts = n.path("counts");
    return new Checkpoints(
        counts.path("completed").asLong(),
        counts.path("failed").asLong(),
        counts.path("restored").asLong(),
        n.path("latest").path("completed").path("external_path").asText(null),
        n.path("latest").path("restored").path("external_path").asText(null));
  }

  /**
   * Stops a job with a savepoint ({@code POST /jobs/:id/stop}) and waits for the savepoint.
   *
   * @return the savepoint's location, to resume from
   */
  public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("targetDirectory", targetDirectory);
    body.put("drain", false);
    String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
    return awaitSavepoint(jobId, trigger, timeout);
  }

  /**
   * Takes a savepoint of a running job without stopping it ({@code POST /jobs/:id/savepoints}).
   *
   * @return the savepoint's location
   */
  public String savepoint(String jobId, String targetDirectory, Duration timeout)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("target-directory", targetDirectory);
    body.put("cancel-job", false);
    String trigger = post("/jobs/" + jobId + "/savepoints", body).path("request-id").asText();
    return awaitSavepoint(jobId, trigger, timeout);
  }

  /** Cancels a job without a savepoint. */
  public void cancel(String jobId) throws IOException {
    send(
        HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  private String awaitSavepoint(String jobId, String trigger, Duration timeout) throws IOException {
    if (trigger.isEmpty()) {
      throw new ClusterException("Flink did not accept the savepoint request for job " + jobId);
    }
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonNode n = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if (n.path("status").path("id").asText().equals("COMPLETED")) {
        JsonNode op = n.path("operation");
        if (op.has("location")) {
          return op.path("location").asText();
        }
        throw new ClusterException(
            "the savepoint of job "
                + jobId
                + " failed: "
                + op.path("failure-cause").path("stack-trace").asText(op.toString()));
      }
      pause(500);
    }
    throw new ClusterException(
        "the savepoint of job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted", e);
    }
  }

  private JsonNode get(String path) throws IOException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build());
  }

  private JsonNode post(String path, JsonNode body) throws IOException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  private JsonNode send(HttpRequest request) throws IOException {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          request.method() + " " + request.uri() + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }
}
