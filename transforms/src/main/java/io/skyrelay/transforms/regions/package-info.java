/**
 * Region data: measured inter-region throughput, egress prices, round-trip times and storage prices
 * for 71 cloud regions, shipped as resources (from the Skyplane project's published grids, Apache
 * License 2.0) and replaceable by a user's own files in the same CSV format.
 */
package io.skyrelay.transforms.regions;
