/**
 * The service's database: the embedded H2 file database or PostgreSQL, and the Flyway migrations
 * ({@code db/service}) that hold accounts, the catalogue's datasets and the export requests with
 * their waiters.
 */
package io.skyrelay.service.db;
