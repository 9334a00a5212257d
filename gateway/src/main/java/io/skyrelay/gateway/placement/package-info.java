/**
 * Where the copies of a virtual object live: the placement policy that picks the regions a write is
 * copied to and the copy a read is served from, the replicator that fills those regions with
 * Skyrelay's own copier, the remover of copies that an overwrite or a delete made obsolete, and the
 * sweeper that keeps the gateway's lease and resolves what gateways that died left behind.
 *
 * <p>The policy interface is shaped after the replay simulator's policies ({@code
 * io.skyrelay.replay.sim.Policy}, same names and meanings): when those move to a module both the
 * simulator and the gateway can depend on, {@link io.skyrelay.gateway.placement.PlacementPolicies}
 * becomes an adapter over them instead of its own small set.
 */
package io.skyrelay.gateway.placement;
