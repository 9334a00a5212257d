/**
 * Where the copies of a virtual object live, decided live by the replay simulator's own policies
 * ({@link io.skyrelay.transforms.placement.Policy}, priced by the region data): the region a write
 * is stored in and the regions it is replicated to, the copy a read is served from, the copy a read
 * elsewhere leaves under a pull policy and how a hit extends it; the replicator that fills replicas
 * with Skyrelay's own copier and removes the copies an overwrite or a delete made obsolete; the
 * evictor of copies past their deadline or beyond an LRU capacity; and the sweeper that keeps the
 * gateway's lease and resolves what gateways that died left behind.
 */
package io.skyrelay.gateway.placement;
