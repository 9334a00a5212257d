/**
 * The replay as a Beam pipeline, for traces too large for one machine: requests are grouped by
 * object and each object is replayed by the same simulators as in process; per-object results are
 * added up per policy. Exact for every policy whose decisions for one object do not depend on other
 * objects.
 */
package io.skyrelay.replay.beam;
