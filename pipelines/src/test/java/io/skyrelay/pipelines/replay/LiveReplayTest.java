package io.skyrelay.pipelines.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import io.skyrelay.pipelines.sync.SyncConfig;
import io.skyrelay.pipelines.sync.SyncJob;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.sync.SyncMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A live replay against an in-process S3 source, a local replica, Kafka and the sync job. */
class LiveReplayTest {

  @TempDir Path tmp;

  @Test
  void measuresLagAndReadsThatFindNoReplica() throws Exception {
    EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1, "live-events", "live-dlq");
    kafka.afterPropertiesSet();
    try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
      s3.createBucket("live-src");
      Path replicaDir = tmp.resolve("replica");
      Path cfg = tmp.resolve("sync.yaml");
      Files.writeString(
          cfg,
          "kafka:\n  bootstrap_servers: "
              + kafka.getBrokersAsString()
              + "\n  group_id: live\n  dead_letter_topic: live-dlq\n"
              + "stores:\n  - uri: s3://live-src\n    endpoint: "
              + s3.endpoint()
              + "\n    region-name: us-east-1\n    access-key-id: "
              + S3ProxyServer.ACCESS_KEY
              + "\n    secret-access-key: "
              + S3ProxyServer.SECRET_KEY
              + "\nmappings:\n  - name: live\n    source: s3://live-src\n    topic: live-events\n"
              + "    format: s3\n    replicas: [\""
              + replicaDir.toUri()
              + "\"]\n    propagate_delete: true\n");
      SyncConfig config = SyncConfig.read(cfg, Map.of());
      SyncMapping m = config.mappings().get(0);
      StoreLocation source = m.source().withRegion("aws:us-east-1");
      StoreLocation replica = m.replicas().get(0).withRegion("azure:westeurope");
      LiveReplay live =
          new LiveReplay(source, List.of(replica), kafka.getBrokersAsString(), m.topic());

      // 12 objects written in aws, each read in azure right away and 8 s of trace time later,
      // then 4 of them deleted. At 4x, about 10 s of wall-clock time.
      StringBuilder csv = new StringBuilder(TraceReader.CSV_HEADER).append('\n');
      for (int i = 0; i < 12; i++) {
        long t = 10_000L + i * 1_000;
        csv.append(t).append(",PUT,aws:us-east-1,obj").append(i).append(",2048\n");
        csv.append(t + 1).append(",GET,azure:westeurope,obj").append(i).append(",2048\n");
        csv.append(t + 8_000).append(",GET,azure:westeurope,obj").append(i).append(",2048\n");
        csv.append(t + 8_001).append(",GET,aws:us-east-1,obj").append(i).append(",2048\n");
      }
      for (int i = 0; i < 4; i++) {
        csv.append(40_000 + i).append(",DELETE,aws:us-east-1,obj").append(i).append(",0\n");
      }
      Path trace = tmp.resolve("live.csv");
      Files.writeString(trace, csv);

      Pipeline p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--blockOnRun=false")
                  .create());
      SyncJob.build(p, config, 0);
      PipelineResult job = p.run();
      try {
        // Let the job start: a first replay whose only write must arrive.
        Path warm = tmp.resolve("warm.csv");
        Files.writeString(warm, TraceReader.CSV_HEADER + "\n0,PUT,aws:us-east-1,warm-up,10\n");
        LiveReplay.Report w =
            live.run(
                warm,
                WorkloadType.A,
                1,
                new LiveReplay.Settings(
                    1, 1 << 20, 10, Duration.ofSeconds(90), Duration.ofMillis(50)));
        assertEquals(1, w.replicated(), w.describe());

        LiveReplay.Report r =
            live.run(
                trace,
                WorkloadType.A,
                1,
                new LiveReplay.Settings(
                    4, 1 << 20, 1_000, Duration.ofSeconds(60), Duration.ofMillis(20)));
        assertEquals(12, r.writes(), r.describe());
        assertEquals(4, r.deletes(), r.describe());
        assertEquals(24, r.replicaReads(), r.describe());
        assertEquals(12, r.sourceReads(), r.describe());
        assertEquals(r.replicaReads(), r.current() + r.stale() + r.noReplica(), r.describe());
        assertTrue(
            r.noReplica() >= 1, "a read 1 ms after its write finds no replica: " + r.describe());
        assertTrue(r.current() >= 1, r.describe());
        assertEquals(12, r.replicated(), r.describe());
        assertEquals(0, r.notReplicated(), r.describe());
        assertTrue(r.lagPercentileMs(50) > 0, r.describe());
        System.out.print(r.describe());
      } finally {
        job.cancel();
      }
    } finally {
      kafka.destroy();
    }
  }
}
