package io.skyrelay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts real JobManager, TaskManager and Kafka processes from the build's lib folder. */
@Timeout(180)
class LocalClusterTest {

  @TempDir Path tmp;
  LocalCluster cluster;
  KafkaBroker kafka;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

  @AfterEach
  void stopAll() {
    if (cluster != null) {
      cluster.stop(out);
    }
    if (kafka != null) {
      kafka.stop(out);
    }
  }

  static ClusterSettings settings(Path home) {
    int metrics = FreePorts.next();
    return ClusterSettings.defaults(home)
        .withPorts(
            FreePorts.next(), FreePorts.next(), FreePorts.next(), metrics + "-" + (metrics + 3))
        .withMemory("1024m", "1536m");
  }

  @Test
  void startsIdempotentlyReportsRecoversAndStops() throws Exception {
    cluster = new LocalCluster(settings(tmp.resolve("cluster")), LibFolder.locate());
    long t0 = System.nanoTime();
    assertTrue(cluster.start(out));
    System.out.printf("cluster ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    LocalCluster.Status s = cluster.status();
    assertTrue(s.running());
    assertEquals(1, s.taskManagerPids().size());
    assertEquals(1, s.overview().orElseThrow().taskManagers());
    assertEquals(2, s.overview().orElseThrow().slotsTotal());
    assertTrue(s.overview().orElseThrow().version().startsWith("1.19"));
    // The TaskManager keeps its working files in the cluster's folder, not in /tmp.
    Path work = cluster.taskManagerTmp(1);
    try (var files = Files.list(work)) {
      assertTrue(files.findAny().isPresent(), "nothing in " + work);
    }

    // A second start finds everything running and starts nothing.
    long jmPid = s.jobManagerPid().orElseThrow();
    assertFalse(cluster.start(out));
    assertEquals(jmPid, cluster.status().jobManagerPid().orElseThrow());

    // The web UI and the Prometheus reporter answer.
    HttpClient http = HttpClient.newHttpClient();
    String ui =
        http.send(
                HttpRequest.newBuilder(URI.create(cluster.settings().webUrl() + "/")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertTrue(ui.contains("<html") || ui.contains("<!doctype"), ui);
    // JobManager and TaskManager each take a port of the range, in the order they come up.
    int first = Integer.parseInt(cluster.settings().metricsPorts().split("-")[0]);
    StringBuilder metrics = new StringBuilder();
    for (int port = first; port < first + 4; port++) {
      try {
        metrics.append(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
      } catch (java.io.IOException notThisOne) {
        // the port is free or used by something else
      }
    }
    assertTrue(metrics.toString().contains("flink_jobmanager_"), metrics.toString());

    // A killed TaskManager is replaced by a new one.
    cluster.killTaskManager(1);
    assertTrue(cluster.taskManagers().isEmpty());
    assertEquals(1, cluster.addTaskManager());
    assertEquals(1, cluster.taskManagers().size());

    assertEquals(2, cluster.stop(out));
    assertFalse(Files.exists(work), "a stopped TaskManager left its working files: " + work);
    assertFalse(cluster.status().running());
    assertTrue(cluster.taskManagers().isEmpty());
    assertEquals(0, cluster.stop(out));
    assertTrue(Files.exists(cluster.settings().confDir().resolve("config.yaml")));
  }

  @Test
  void refusesAPortInUse() throws Exception {
    try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ClusterSettings s = settings(tmp.resolve("busy")).withRestPort(busy.getLocalPort());
      LocalCluster c = new LocalCluster(s, LibFolder.locate());
      ClusterException e = assertThrows(ClusterException.class, () -> c.start(out));
      assertTrue(e.getMessage().contains("port " + busy.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void saysHowToBuildAMissingLibFolder() {
    ClusterException e =
        assertThrows(ClusterException.class, () -> LibFolder.check(tmp.resolve("nothing")));
    assertTrue(e.getMessage().contains(LibFolder.BUILD_COMMAND), e.getMessage());
  }

  @Test
  void kafkaBrokerStartsOnceAndStops() {
    kafka =
        new KafkaBroker(
            tmp.resolve("kafka"), FreePorts.next(), FreePorts.next(), LibFolder.locate());
    long t0 = System.nanoTime();
    assertTrue(kafka.start(out, Duration.ofSeconds(60)));
    System.out.printf("Kafka ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertFalse(kafka.start(out, Duration.ofSeconds(60)));
    assertTrue(kafka.process().isPresent());
    assertTrue(kafka.stop(out));
    assertTrue(kafka.process().isEmpty());
    assertFalse(kafka.stop(out));
  }
}
