/**
 * The gateway's Prometheus metrics: requests by operation and region, bytes, reads served locally
 * or from another region, egress by region pair, stored bytes and the running cost priced with the
 * region data, served over HTTP for a scraper.
 */
package io.skyrelay.gateway.metrics;
