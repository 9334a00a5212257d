/**
 * {@code skyrelay gateway}: starts the S3 gateway over virtual buckets from a configuration file,
 * or as a self-contained demo over local folders.
 */
package io.skyrelay.pipelines.gateway;
