/**
 * Fault injection the tests own: {@link io.skyrelay.connectors.faults.FaultProxy}, an HTTP proxy in
 * front of a store server that answers a chosen share of requests with throttling or server errors,
 * drops connections and adds delay; and {@link io.skyrelay.connectors.faults.NetworkLab}, which
 * puts a server in a network namespace of its own behind a veth pair, so that rate caps ({@code
 * tc}), packet loss, resets and cuts ({@code nftables}) act on a real link.
 */
package io.skyrelay.connectors.faults;
