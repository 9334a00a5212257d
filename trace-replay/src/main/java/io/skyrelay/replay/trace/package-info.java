/**
 * Streaming, allocation-free parsing of request traces: the IBM Cloud Object Storage trace format
 * and Skyrelay's own multi-region workload CSV, plain or gzip, into columnar batches of requests.
 */
package io.skyrelay.replay.trace;
