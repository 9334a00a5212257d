package io.skyrelay.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.gateway.namespace.NamespaceDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayConfigLoaderTest {

  private static final Path BASE = Path.of("/etc/skyrelay");

  private static final String GOOD =
      """
      database: state
      regions:
        - label: local:east
          listen: 127.0.0.1:9001
          store: file:///data/east
        - label: aws:us-west-2
          listen: 0.0.0.0:9002
          store: s3://west-bucket/copies
          settings:
            region: us-west-2
      buckets:
        - name: photos
          policy: push:aws:us-west-2
        - name: logs
      access-keys:
        - id: AKIDEXAMPLE
          secret: wJalrXUtnFEMIK7MDENG
      """;

  @Test
  void readsAGoodConfig() {
    GatewayConfig c = GatewayConfigLoader.parse(GOOD, BASE);
    assertEquals("/etc/skyrelay/state", c.database());
    assertEquals(2, c.regions().size());
    assertEquals(9002, c.regions().get(1).port());
    assertEquals("0.0.0.0", c.regions().get(1).host());
    assertEquals("us-west-2", c.regions().get(1).settings().get("region"));
    assertEquals("push:aws:us-west-2", c.buckets().get(0).policy());
    assertEquals("replicate-all", c.buckets().get(1).policy());
    assertTrue(c.jdbcUrl().startsWith("jdbc:h2:file:/etc/skyrelay/state/"));
    assertFalse(c.accessKeys().toString().contains("wJalrXUtnFEMIK7MDENG"));
  }

  private static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> GatewayConfigLoader.parse(yaml, BASE))
        .getMessage();
  }

  @Test
  void errorsNameTheKey() {
    assertTrue(
        error(GOOD.replace("listen: 0.0.0.0:9002", "listen: nowhere"))
            .startsWith("regions[1].listen (line 7):"));
    assertTrue(
        error(GOOD.replace("store: s3://west-bucket/copies", "store: ftp://x"))
            .startsWith("regions[1].store (line 8):"));
    assertTrue(
        error(GOOD.replace("policy: push:aws:us-west-2", "policy: push:mars"))
            .startsWith("buckets[0].policy (line 13):"));
    assertTrue(
        error(GOOD.replace("policy: push:aws:us-west-2", "policy: optimum"))
            .startsWith("buckets[0].policy (line 13):"));
    assertTrue(
        error(GOOD.replace("- name: logs", "- name: Logs!"))
            .startsWith("buckets[1].name (line 14):"));
    assertTrue(
        error(GOOD.replace("  - id: AKIDEXAMPLE\n", "  - idd: AKIDEXAMPLE\n"))
            .startsWith("access-keys[0].idd (line 16): unknown key"));
    assertTrue(
        error(GOOD.replace("regions:", "regionz:")).startsWith("regionz (line 2): unknown key"));
    assertTrue(
        error(GOOD.replace("listen: 0.0.0.0:9002", "listen: 127.0.0.1:9001"))
            .startsWith("regions[1].listen (line 7):"));
  }

  @Test
  void errorsNameTheLine() {
    assertEquals(
        "regions[1].listen (line 7): 'nowhere' is not host:port (for example 127.0.0.1:9001)",
        error(GOOD.replace("listen: 0.0.0.0:9002", "listen: nowhere")));
    assertTrue(
        error(GOOD.replace("policy: push:aws:us-west-2", "policy: push:mars"))
            .startsWith("buckets[0].policy (line 13): "));
  }

  @Test
  void everyReplayPolicyButOptimumRunsLive() {
    for (String p :
        new String[] {
          "single",
          "single:aws:us-west-2",
          "replicate-all",
          "push:local:east+aws:us-west-2",
          "pull-keep",
          "pull-evict",
          "ttl:12h",
          "break-even",
          "adaptive",
          "lru:1GiB"
        }) {
      GatewayConfig c =
          GatewayConfigLoader.parse(
              GOOD.replace("policy: push:aws:us-west-2", "policy: " + p), BASE);
      assertEquals(p, c.buckets().get(0).policy());
    }
    String optimum = error(GOOD.replace("policy: push:aws:us-west-2", "policy: optimum"));
    assertTrue(optimum.contains("knowing every request to come"), optimum);
  }

  @Test
  void regionsArePricedAsTheirLabelOrPricesAs() {
    GatewayConfig c =
        GatewayConfigLoader.parse(
            GOOD.replace(
                "store: file:///data/east\n",
                "store: file:///data/east\n    prices-as: aws:eu-west-1\n"),
            BASE);
    assertEquals("aws:eu-west-1", c.regions().get(0).pricesAs());
    assertEquals(
        "aws:eu-west-1", c.regions().get(0).pricedAs(c.regionDataOrBundled()), "prices-as wins");
    assertEquals("aws:us-west-2", c.regions().get(1).pricedAs(c.regionDataOrBundled()));
    assertEquals(0.02, c.costModel().egressUsdPerGb(0, 1), "priced as eu-west-1 to us-west-2");
    GatewayConfig local = GatewayConfigLoader.parse(GOOD, BASE);
    assertEquals(null, local.regions().get(0).pricedAs(local.regionDataOrBundled()));
  }

  @Test
  void unpricedRegionsAreErrorsNamingKeyAndLine() {
    assertTrue(
        error(
                GOOD.replace(
                    "store: file:///data/east\n",
                    "store: file:///data/east\n    prices-as: aws:mars-1\n"))
            .startsWith("regions[0].prices-as (line 6): unknown region 'aws:mars-1'"));
    assertTrue(
        error(GOOD.replace("label: aws:us-west-2", "label: aws:us-west-9"))
            .startsWith("regions[1].label (line 6): aws:us-west-9 is not a region of the region"));
    assertTrue(error("region-data: no-such-folder\n" + GOOD).startsWith("region-data (line 1): "));
  }

  @Test
  void aPostgresDatabaseAndALease() {
    String url = "jdbc:postgresql://db.internal:5432/skyrelay?user=gw&password=pg-Secret-77";
    GatewayConfig c =
        GatewayConfigLoader.parse(
            GOOD.replace("database: state", "database: " + url + "\nlease: 2m"), BASE);
    assertEquals(url, c.jdbcUrl());
    assertEquals(Duration.ofMinutes(2), c.lease());
    assertFalse(c.embeddedDatabase());
    assertFalse(c.toString().contains("pg-Secret-77"), c.toString());
    assertTrue(c.toString().contains("password=****"), c.toString());
    assertEquals(GatewayConfig.DEFAULT_LEASE, GatewayConfigLoader.parse(GOOD, BASE).lease());
    assertTrue(GatewayConfigLoader.parse(GOOD, BASE).embeddedDatabase());

    assertTrue(
        error(GOOD.replace("database: state", "database: state\nlease: soon"))
            .startsWith("lease (line 2): 'soon' is not a duration"));
    String other = error(GOOD.replace("database: state", "database: jdbc:mysql://u:hush@h/db"));
    assertTrue(other.startsWith("database (line 1): "), other);
    assertFalse(other.contains("hush"), other);
  }

  @Test
  void urlPasswordsAreHidden() {
    assertEquals(
        "jdbc:postgresql://h:5432/db?user=gw&password=****&ssl=true",
        NamespaceDatabase.redact("jdbc:postgresql://h:5432/db?user=gw&password=s3cr3t&ssl=true"));
    assertEquals(
        "jdbc:h2:file:/x;USER=sa;PASSWORD=****;MODE=x",
        NamespaceDatabase.redact("jdbc:h2:file:/x;USER=sa;PASSWORD=abc;MODE=x"));
    assertEquals(
        "jdbc:postgresql://h/db?PASSWORD=****",
        NamespaceDatabase.redact("jdbc:postgresql://h/db?PASSWORD=abc"));
    assertEquals(
        "jdbc:postgresql://gw:****@h/db",
        NamespaceDatabase.redact("jdbc:postgresql://gw:abc@h/db"));
  }

  @Test
  void theSecretIsNeverInAnError() {
    String bad = GOOD.replace("listen: 0.0.0.0:9002", "listen: x");
    assertFalse(error(bad).contains("wJalrXUtnFEMIK7MDENG"));
    String shortSecret = GOOD.replace("wJalrXUtnFEMIK7MDENG", "abc");
    assertFalse(error(shortSecret).contains("abc "));
  }

  private static final String ARCHIVED =
      GOOD.replace(
          "  - name: logs\n",
          "  - name: logs\n"
              + "    archive:\n"
              + "      store: s3://logs-archive/old\n"
              + "      restore: true\n"
              + "      settings:\n"
              + "        region: eu-west-1\n"
              + "  - name: cold\n"
              + "    archive: file:///mnt/archive/cold\n");

  @Test
  void readsArchiveTiers() {
    GatewayConfig c = GatewayConfigLoader.parse(ARCHIVED, BASE);
    assertEquals(null, c.buckets().get(0).archive());
    GatewayConfig.ArchiveConfig logs = c.buckets().get(1).archive();
    assertEquals("s3://logs-archive/old", logs.store());
    assertTrue(logs.restore());
    assertEquals("eu-west-1", logs.settings().get("region"));
    GatewayConfig.ArchiveConfig cold = c.buckets().get(2).archive();
    assertEquals("file:///mnt/archive/cold", cold.store());
    assertFalse(cold.restore());
  }

  @Test
  void archiveErrorsNameTheKeyAndLine() {
    assertTrue(
        error(ARCHIVED.replace("restore: true", "restore: sometimes"))
            .startsWith("buckets[1].archive.restore (line 17): expected true or false"));
    assertTrue(
        error(ARCHIVED.replace("store: s3://logs-archive/old", "store: ftp://x"))
            .startsWith("buckets[1].archive.store (line 16):"));
    assertTrue(
        error(ARCHIVED.replace("restore: true", "restor: true"))
            .startsWith("buckets[1].archive.restor (line 17): unknown key"));
    assertTrue(
        error(ARCHIVED.replace("archive: file:///mnt/archive/cold", "archive: mnt/cold"))
            .startsWith("buckets[2].archive (line 21):"));
  }

  @Test
  void readsKafkaReplicationAndRefusesRegionsNotOnS3() {
    String onS3 = GOOD.replace("store: file:///data/east", "store: s3://east-bucket/copies");
    String kafka = "replication:\n  kafka:\n    bootstrap-servers: kafka-1:9092\n";
    GatewayConfig c = GatewayConfigLoader.parse(onS3 + kafka + "    republish-after: 2m\n", BASE);
    assertEquals("kafka-1:9092", c.kafka().bootstrapServers());
    assertEquals("skyrelay-gateway.aws-us-west-2", c.kafka().topicFor("aws:us-west-2"));
    assertEquals(java.time.Duration.ofMinutes(2), c.kafka().republishAfter());
    assertEquals(null, GatewayConfigLoader.parse(GOOD, BASE).kafka(), "no kafka: in-process");

    String notS3 = error(GOOD + kafka);
    assertTrue(
        notS3.startsWith("regions[0].store (line ") && notS3.contains("needs regions on S3"),
        notS3);
    String unknown = error(onS3 + "replication:\n  kafka:\n    bootstrap: kafka-1:9092\n");
    assertTrue(unknown.startsWith("replication.kafka.bootstrap (line "), unknown);
  }
}
