/**
 * The OpenStack Swift connector ({@code swift://account/container/prefix}) on the Swift v1 object
 * API over {@code java.net.http}: tempauth (v1.0) and Keystone v3 authentication renewed when the
 * token expires, paged JSON listings, ranged and conditional reads, writes with user metadata, bulk
 * deletes, server-side copies, and static large objects whose segments go to the {@code
 * <container>_segments} container.
 */
package io.skyrelay.connectors.swift;
