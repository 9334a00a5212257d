package io.skyrelay.replay.sim;

import io.skyrelay.replay.trace.RequestBatch;

/** Replays requests, batch by batch, in trace order, for one policy. */
public interface Simulator {

  /** Replays the rows of {@code batch}; every row has a region. */
  void process(RequestBatch batch);

  /** Ends the replay at {@code endMs}: replicas still held are charged up to then. */
  void finish(long endMs);

  PolicyResult result();

  /** A simulator for {@code policy}, the series starting at {@code originMs}. */
  static Simulator of(Policy policy, CostModel model, long originMs) {
    Simulator s =
        policy.kind() == Policy.Kind.OPTIMUM
            ? new OfflineOptimum(policy, model)
            : new PolicySimulator(policy, model);
    s.result().origin(originMs);
    return s;
  }
}
