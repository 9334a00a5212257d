package io.skyrelay.replay.sim;

import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;

/** Replays requests, batch by batch, in trace order, for one policy. */
public interface Simulator {

  /** Replays the rows of {@code batch}; every row has a region. */
  void process(RequestBatch batch);

  /** Ends the replay at {@code endMs}: replicas still held are charged up to then. */
  void finish(long endMs);

  PolicyResult result();

  /** A simulator for {@code policy}, the series starting at {@code originMs}. */
  static Simulator of(Policy policy, CostModel model, long originMs) {
    return of(policy, model, originMs, new PolicyResult(policy.name(), policy.kind()));
  }

  /**
   * A simulator adding what it replays to {@code into}, which several simulators of the same policy
   * over disjoint sets of objects may share (one at a time).
   */
  static Simulator of(Policy policy, CostModel model, long originMs, PolicyResult into) {
    into.origin(originMs);
    return policy.kind() == Policy.Kind.OPTIMUM
        ? new OfflineOptimum(model, into)
        : new PolicySimulator(policy, model, into);
  }
}
