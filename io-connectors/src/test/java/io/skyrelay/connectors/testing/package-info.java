/**
 * Servers the tests of several modules start and stop themselves, shared through this module's test
 * jar: Debian's PostgreSQL for the gateway's namespace and the service's database.
 */
package io.skyrelay.connectors.testing;
