package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncJobSettingsTest {

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
