package io.skyrelay.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

  /** A jar uploaded with {@code POST /jars/upload}, as {@code GET /jars} lists it. */
  public record UploadedJar(String id, String name, long uploaded) {}

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

  /** The jars uploaded to the cluster ({@code GET /jars}), as long as its JobManager lives. */
  public List<UploadedJar> jars() throws IOException {
    List<UploadedJar> jars = new ArrayList<>();
    for (JsonNode j : get("/jars").path("files")) {
      jars.add(
          new UploadedJar(
              j.path("id").asText(), j.path("name").asText(), j.path("uploaded").asLong()));
    }
    return jars;
  }

  /**
   * Uploads a jar ({@code POST /jars/upload}, multipart as the web UI sends it).
   *
   * @return the id later calls name it by
   */
  public String uploadJar(Path jar) throws IOException {
    String boundary = "skyrelay-" + UUID.randomUUID();
    String name = jar.getFileName().toString();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    JsonNode n =
        send(
            HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(
                    HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(jar),
                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                .timeout(Duration.ofMinutes(10))
                .build());
    String file = n.path("filename").asText();
    if (file.isEmpty()) {
      throw new ClusterException("Flink did not accept the upload of " + name + ": " + n);
    }
    // The id is the name of the stored file (a random prefix, then the name uploaded).
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /**
   * Runs the main of an uploaded jar in the JobManager ({@code POST /jars/:id/run}), which submits
   * the job.
   *
   * @return the id of the job the main submitted
   */
  public String runJar(String jarId, String entryClass, List<String> args, int parallelism)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("entryClass", entryClass);
    body.putPOJO("programArgsList", args);
    body.put("parallelism", parallelism);
    JsonNode n =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/jars/"
                            + URLEncoder.encode(jarId, StandardCharsets.UTF_8)
                            + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .timeout(Duration.ofMinutes(5))
                .build());
    String job = n.path("jobid").asText();
    if (job.isEmpty()) {
      throw new ClusterException("Flink ran " + jarId + " but submitted no job: " + n);
    }
    return job;
  }

  /**
   * The job's user accumulators as Flink serialized them ({@code GET
   * /jobs/:id/accumulators?includeSerializedValue=true}): each a Java-serialized {@code
   * OptionalFailure} of the accumulator's value, by accumulator name.
   */
  public Map<String, byte[]> serializedAccumulators(String jobId) throws IOException {
    Map<String, byte[]> values = new LinkedHashMap<>();
    JsonNode n = get("/jobs/" + jobId + "/accumulators?includeSerializedValue=true");
    n.path("serialized-user-task-accumulators")
        .fields()
        .forEachRemaining(
            e -> values.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
    return values;
  }

  /**
   * Waits until the job has ended (finished, failed, cancelled or suspended), asking every {@code
   * poll}.
   *
   * @return the state it ended in
   */
  public String awaitEnd(String jobId, Duration poll) throws IOException {
    while (true) {
      String state = jobState(jobId);
      switch (state) {
        case "FINISHED", "FAILED", "CANCELED", "SUSPENDED" -> {
          return state;
        }
        default -> pause(poll.toMillis());
      }
    }
  }

  /** The root exception of a job that failed, or empty ({@code GET /jobs/:id/exceptions}). */
  public Optional<String> rootException(String jobId) throws IOException {
    JsonNode n = get("/jobs/" + jobId + "/exceptions").path("root-exception");
    return n.isMissingNode() || n.isNull() ? Optional.empty() : Optional.of(n.asText());
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
