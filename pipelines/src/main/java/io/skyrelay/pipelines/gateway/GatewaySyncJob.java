package io.skyrelay.pipelines.gateway;

import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.config.GatewayConfig;
import io.skyrelay.gateway.config.GatewayConfig.KafkaReplication;
import io.skyrelay.gateway.config.GatewayConfig.RegionConfig;
import io.skyrelay.pipelines.sync.SyncConfig;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.sync.SyncMapping;
import io.skyrelay.transforms.values.KeyFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * The sync job that makes a gateway's replicas when its replication goes through Kafka: the sync
 * job's own pipeline ({@code SyncJob}) over one mapping per ordered pair of regions, from one
 * region's store to another's, fed by the topic of the destination region ({@link
 * KafkaReplication#topicFor}). An event names the source copy's bucket and key, so of the mappings
 * reading a destination's topic, only the one whose source holds the copy takes it.
 */
public final class GatewaySyncJob {

  private GatewaySyncJob() {}

  /** The consumer group of the job, so that a restarted job resumes where it stopped. */
  public static final String GROUP_ID = "skyrelay-gateway-sync";

  /**
   * The sync configuration of {@code gateway}'s replication.
   *
   * @throws IllegalArgumentException when the gateway's replication does not go through Kafka
   */
  public static SyncConfig syncConfig(GatewayConfig gateway) {
    KafkaReplication kafka = gateway.kafka();
    if (kafka == null) {
      throw new IllegalArgumentException(
          "the gateway config has no replication.kafka: its replicas are made by the gateway");
    }
    List<StoreLocation> locations = new ArrayList<>();
    for (RegionConfig r : gateway.regions()) {
      // The gateway's physical keys are keys under the region's prefix (the whole bucket when it
      // has none): an event's key relative to the source's prefix is the physical key, written
      // under the destination's prefix.
      locations.add(
          new StoreLocation(StoreUri.parse(r.store()), StoreSettings.of(r.settings()), r.label()));
    }
    List<SyncMapping> mappings = new ArrayList<>();
    for (int s = 0; s < locations.size(); s++) {
      for (int d = 0; d < locations.size(); d++) {
        if (s == d) {
          continue;
        }
        StoreLocation to = locations.get(d);
        mappings.add(
            new SyncMapping(
                "gateway-" + s + "-to-" + d,
                locations.get(s),
                kafka.topicFor(to.region()),
                "s3",
                List.of(to),
                false, // the gateway removes the copies of overwritten and deleted versions
                KeyFilter.all(),
                false, // content type and metadata live in the namespace
                null));
      }
    }
    return SyncConfig.of(
        new SyncConfig.Kafka(
            kafka.bootstrapServers(),
            GROUP_ID,
            kafka.topicPrefix() + ".dead-letters",
            kafka.producer()),
        mappings);
  }
}
