/**
 * The gateway's configuration: the YAML file a user writes (regions with their listen address and
 * physical store, virtual buckets with their placement policy, access keys, the namespace
 * database), read strictly and checked with errors that name the offending key.
 */
package io.skyrelay.gateway.config;
