package io.skyrelay.transforms.planner;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a transfer from {@code source} to {@code destination} travels: one or more paths, each with
 * its share of the bytes, the predicted throughput and the egress price, and the same figures for
 * the direct path to compare with. A plain value: it prints, it round-trips through JSON ({@link
 * #toJson}, {@link #fromJson}), and the replication job only carries it out.
 *
 * @param source source region label
 * @param destination destination region label
 * @param objective what the plan optimises
 * @param settings the limits it respects
 * @param paths the paths in use, largest share first
 * @param gbps predicted throughput of all paths together
 * @param usdPerGb egress price per GB moved (each hop's egress, weighted by the paths' shares)
 * @param workers workers each region needs, for the regions the plan uses
 * @param direct the direct path with the same worker limits
 * @param solveMillis time the solver took
 */
public record Plan(
    String source,
    String destination,
    Objective objective,
    PlannerSettings settings,
    List<Path> paths,
    double gbps,
    double usdPerGb,
    Map<String, Integer> workers,
    Baseline direct,
    double solveMillis)
    implements Serializable {

  /**
   * One path of a plan.
   *
   * @param regions the regions in order: source, relays (0 to 2), destination
   * @param share fraction of the bytes this path carries (all shares add up to 1)
   * @param gbps predicted throughput on this path
   * @param usdPerGb egress price per GB on this path (the sum of its hops' prices)
   * @param connections connections each hop of this path needs (one number per hop)
   */
  public record Path(
      List<String> regions, double share, double gbps, double usdPerGb, List<Integer> connections)
      implements Serializable {

    public Path {
      regions = List.copyOf(regions);
      connections = List.copyOf(connections);
    }

    /** The relay regions of this path, in order; empty for the direct path. */
    public List<String> relays() {
      return regions.subList(1, regions.size() - 1);
    }

    @JsonIgnore
    public boolean isDirect() {
      return regions.size() == 2;
    }

    /** {@code aws:us-east-1 -> aws:us-east-2 -> gcp:europe-west1-b}. */
    public String label() {
      return String.join(" -> ", regions);
    }
  }

  /**
   * The direct path's figures with the same limits.
   *
   * @param gbps the direct path's throughput
   * @param usdPerGb the direct path's egress price per GB
   */
  public record Baseline(double gbps, double usdPerGb) implements Serializable {}

  public Plan {
    paths = List.copyOf(paths);
    workers = new LinkedHashMap<>(workers);
  }

  /** Predicted seconds to move {@code bytes} at this plan's throughput. */
  public double seconds(long bytes) {
    return bytes * 8 / (gbps * 1e9);
  }

  /** Predicted egress cost in USD of moving {@code bytes}. */
  public double egressUsd(long bytes) {
    return bytes / 1e9 * usdPerGb;
  }

  /** This plan's throughput over the direct path's. */
  public double speedup() {
    return gbps / direct.gbps();
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The plan as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plan could not be written as JSON: " + e, e);
    }
  }

  /** A plan from the JSON {@link #toJson} writes. */
  public static Plan fromJson(String json) {
    try {
      return JSON.readValue(json, Plan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a plan: " + e.getOriginalMessage(), e);
    }
  }
}
