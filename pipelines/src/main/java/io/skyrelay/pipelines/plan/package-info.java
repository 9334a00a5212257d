/**
 * The {@code skyrelay plan} command (routes, shares, predicted time and egress cost between two
 * regions), the whole-grid evaluation of the planner, and the overlay experiment that measures
 * relay routes against the direct path over emulated links on one machine.
 */
package io.skyrelay.pipelines.plan;
