/**
 * The namespace of virtual buckets, in a relational database with versioned migrations: buckets and
 * their placement policy, object versions, and the physical copies of each version per region with
 * their status (pending, ready, pending deletion). Writes are two-phase: a version is pending until
 * its bytes are stored and verified, then ready; readers only ever see ready versions. The database
 * is an embedded H2 file or PostgreSQL ({@link io.skyrelay.gateway.namespace.NamespaceDatabase});
 * gateways sharing one hold leases in it, and own the writes they begin ({@link
 * io.skyrelay.gateway.namespace.Leases}).
 */
package io.skyrelay.gateway.namespace;
