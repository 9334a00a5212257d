/**
 * Fault injection the tests own: {@link io.skyrelay.connectors.faults.FaultProxy}, an HTTP proxy in
 * front of a store server that answers a chosen share of requests with throttling or server errors,
 * drops connections and adds delay.
 */
package io.skyrelay.connectors.faults;
