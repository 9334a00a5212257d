/**
 * What a replay produced, for people and programs: a table for the terminal, CSV and JSON per
 * policy, the cost-over-time series, and PNG charts comparing the policies.
 */
package io.skyrelay.replay.report;
