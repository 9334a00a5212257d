/**
 * Acceptance tests of the gateway with S3 clients Skyrelay did not write: the aws CLI, rclone and
 * boto3 (Debian's packages, installed by {@code .ci/packages}), each run as its own process with a
 * configuration of its own, against gateways the tests start over temporary folders.
 */
package io.skyrelay.gateway.clients;
