/** Throughput benchmark of the in-process replay (run by hand, not by the test suite). */
package io.skyrelay.replay.bench;
