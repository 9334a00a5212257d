package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncJobSettingsTest {

  @TempDir Path tmp;

  /**
   * The Flink runner uses a step's full name as its operator's uid, which is how a savepoint's
   * state finds its operator again: the stateful steps keep the names that earlier versions had.
   */
  @Test
  void theStatefulStepsKeepTheirFullNamesSoEarlierSavepointsRestore() throws Exception {
    Path f = tmp.resolve("sync.yaml");
    Files.writeString(
        f,
        """
        kafka:
          bootstrap_servers: 127.0.0.1:9092
        mappings:
          - name: photos
            source: s3://photos
            topic: photo-events
            replicas: [file:///backup/photos]
        """);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    SyncJob.build(p, SyncConfig.read(f, Map.of()), 0);
    List<String> names = new ArrayList<>();
    p.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
          }
        });
    for (String step :
        List.of(
            "ReadEvents",
            "Parse",
            "OrderPerKey",
            "OrderPerKey/ParMultiDo(OrderPerKey)",
            "Apply/ParMultiDo(ApplyChanges)",
            "Archive/ParMultiDo(Archive)",
            "WriteDeadLetters")) {
      assertTrue(names.contains(step), step + " in " + names);
    }
  }

  @Test
  void theDeadLetterWriterGetsTheConsumersConnectionSettingsOnly() {
    Map<String, String> consumer =
        Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule ...",
            "ssl.truststore.location", "/etc/kafka/truststore.jks",
            "client.dns.lookup", "use_all_dns_ips",
            "max.poll.records", "500",
            "isolation.level", "read_committed");
    assertEquals(
        Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule ...",
            "ssl.truststore.location", "/etc/kafka/truststore.jks",
            "client.dns.lookup", "use_all_dns_ips"),
        SyncJob.connectionSettings(consumer));
  }
}
