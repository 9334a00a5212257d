/**
 * Export requests: their validation and normalisation against a dataset's schema, the table of
 * requests and waiters that makes identical requests one job, the Beam batch job that copies or
 * filters and projects the data, and the runner that carries out queued requests and stops those
 * nobody waits for.
 */
package io.skyrelay.service.exports;
