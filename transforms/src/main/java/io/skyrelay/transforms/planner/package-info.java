/**
 * Route planning: chooses how a transfer between two regions travels, on the direct path or split
 * over several paths through up to two relay regions, under an objective (cheapest, fastest, or one
 * bounded by the other), by solving a linear program over the measured region grid with ojAlgo. The
 * result is a plain {@link io.skyrelay.transforms.planner.Plan} value (JSON round trip) that the
 * replication job carries out; nothing here touches a store.
 */
package io.skyrelay.transforms.planner;
