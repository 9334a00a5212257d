/**
 * The {@code skyrelay plan} command: routes, shares, predicted time and egress cost between two
 * regions, rendered by the planner's {@link io.skyrelay.transforms.planner.PlanRendering}.
 */
package io.skyrelay.pipelines.plan;
