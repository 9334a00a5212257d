package io.skyrelay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The production deployment files (docker compose, Flink Kubernetes Operator manifests) parse and
 * carry what a durable deployment needs: the Flink version this project runs on, checkpoints and
 * savepoints on an object store, high availability, a restart strategy and the Prometheus reporter.
 * Docker and Kubernetes do not run on the build machine; this is their check.
 */
class DeploymentFilesTest {

  static final Path DEPLOY = Path.of("deploy");
  static final String FLINK_IMAGE_PREFIX = "flink:1.19.0";

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      return (Map<String, Object>) new Yaml().load(r);
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Map<String, Object> map, String... path) {
    Object o = map;
    for (String key : path) {
      assertTrue(o instanceof Map, "no " + String.join(".", path) + " (at " + key + ")");
      o = ((Map<String, Object>) o).get(key);
      assertNotNull(o, "missing " + String.join(".", path));
    }
    return (T) o;
  }

  /** The keys every durable Flink configuration here must set, with the value each must have. */
  static void assertDurableFlinkConfig(Map<String, String> conf, String where) {
    assertTrue(conf.get("state.checkpoints.dir").startsWith("s3://"), where + ": checkpoints");
    assertTrue(conf.get("state.savepoints.dir").startsWith("s3://"), where + ": savepoints");
    assertEquals(
        "RETAIN_ON_CANCELLATION",
        conf.get("execution.checkpointing.externalized-checkpoint-retention"),
        where);
    assertNotNull(conf.get("high-availability.type"), where + ": high availability");
    assertTrue(
        conf.get("high-availability.storageDir").startsWith("s3://"), where + ": HA storage");
    assertNotNull(conf.get("restart-strategy.type"), where + ": restart strategy");
    assertEquals(
        FlinkConfig.PROMETHEUS_FACTORY,
        conf.get("metrics.reporter.prom.factory.class"),
        where + ": Prometheus reporter");
    assertNotNull(conf.get("metrics.reporter.prom.port"), where);
    assertNotNull(conf.get("taskmanager.numberOfTaskSlots"), where);
  }

  @Test
  void composeRunsJobManagerTaskManagersKafkaWithDurableState() throws IOException {
    Map<String, Object> compose = load(DEPLOY.resolve("docker-compose.yml"));
    Map<String, Object> services = at(compose, "services");
    for (String s : List.of("jobmanager", "taskmanager", "kafka")) {
      assertTrue(services.containsKey(s), "service " + s);
    }
    for (String s : List.of("jobmanager", "taskmanager")) {
      assertTrue(at(compose, "services", s, "image").toString().startsWith(FLINK_IMAGE_PREFIX), s);
      Map<String, Object> env = at(compose, "services", s, "environment");
      Map<String, String> conf = new HashMap<>();
      for (String line : env.get("FLINK_PROPERTIES").toString().split("\n")) {
        if (!line.isBlank()) {
          int colon = line.indexOf(':');
          conf.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
      }
      assertDurableFlinkConfig(conf, "compose " + s);
      assertEquals("jobmanager", conf.get("jobmanager.rpc.address"));
      assertTrue(env.get("ENABLE_BUILT_IN_PLUGINS").toString().contains("flink-s3-fs"), s);
    }
    assertEquals("jobmanager", at(compose, "services", "jobmanager", "command"));
    assertEquals("taskmanager", at(compose, "services", "taskmanager", "command"));
    List<Object> ports = at(compose, "services", "jobmanager", "ports");
    assertTrue(ports.contains("8081:8081"), "REST and web UI published");
    Map<String, Object> kafka = at(compose, "services", "kafka", "environment");
    assertEquals("broker,controller", kafka.get("KAFKA_PROCESS_ROLES"), "KRaft, no ZooKeeper");
  }

  @Test
  void operatorSessionClusterHasDurableStateAndKubernetesHighAvailability() throws IOException {
    Map<String, Object> d = load(DEPLOY.resolve("k8s/session-cluster.yaml"));
    assertEquals("flink.apache.org/v1beta1", d.get("apiVersion"));
    assertEquals("FlinkDeployment", d.get("kind"));
    assertTrue(at(d, "spec", "image").toString().startsWith(FLINK_IMAGE_PREFIX));
    assertEquals("v1_19", at(d, "spec", "flinkVersion"));
    Map<String, Object> spec = at(d, "spec");
    assertFalse(spec.containsKey("job"), "a session cluster has no job of its own");
    Map<String, Object> raw = at(d, "spec", "flinkConfiguration");
    Map<String, String> conf = new HashMap<>();
    raw.forEach((k, v) -> conf.put(k, v.toString()));
    assertDurableFlinkConfig(conf, "session-cluster.yaml");
    assertEquals("kubernetes", conf.get("high-availability.type"));
    assertNotNull(at(d, "spec", "jobManager", "resource", "memory"));
    assertNotNull(at(d, "spec", "taskManager", "resource", "memory"));
    assertNotNull(at(d, "spec", "serviceAccount"), "HA on Kubernetes needs a service account");
  }

  @Test
  void sessionJobsRunTheSkyrelayCommandsOnTheSessionCluster() throws IOException {
    String session = at(load(DEPLOY.resolve("k8s/session-cluster.yaml")), "metadata", "name");
    for (String file : List.of("k8s/sync-job.yaml", "k8s/replicate-job.yaml")) {
      Map<String, Object> j = load(DEPLOY.resolve(file));
      assertEquals("flink.apache.org/v1beta1", j.get("apiVersion"), file);
      assertEquals("FlinkSessionJob", j.get("kind"), file);
      assertEquals(session, at(j, "spec", "deploymentName"), file);
      assertTrue(at(j, "spec", "job", "jarURI").toString().endsWith(".jar"), file);
      assertEquals("io.skyrelay.pipelines.ClusterEntryPoint", at(j, "spec", "job", "entryClass"));
      List<Object> args = at(j, "spec", "job", "args");
      assertTrue(args.contains("--flinkMaster=[auto]"), file + ": runs inside the cluster");
      assertNotNull(at(j, "spec", "job", "upgradeMode"), file);
    }
    Map<String, Object> sync = load(DEPLOY.resolve("k8s/sync-job.yaml"));
    assertEquals("sync", ((List<?>) at(sync, "spec", "job", "args")).get(0));
    assertEquals(
        "savepoint", at(sync, "spec", "job", "upgradeMode"), "upgrades keep the job's state");
    Map<String, Object> replicate = load(DEPLOY.resolve("k8s/replicate-job.yaml"));
    assertEquals("replicate", ((List<?>) at(replicate, "spec", "job", "args")).get(0));
  }
}
