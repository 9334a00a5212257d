/**
 * The namespace of virtual buckets, in a relational database with versioned migrations: buckets and
 * their placement policy, object versions, and the physical copies of each version per region with
 * their status (pending, ready, pending deletion). Writes are two-phase: a version is pending until
 * its bytes are stored and verified, then ready; readers only ever see ready versions.
 */
package io.skyrelay.gateway.namespace;
