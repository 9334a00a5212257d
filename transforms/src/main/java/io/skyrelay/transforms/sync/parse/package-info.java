/**
 * Parsers that turn the change notifications of each store (Amazon S3 event notifications, Amazon
 * EventBridge, Azure Event Grid, GCS Pub/Sub), as they arrive from Kafka with their envelopes (SNS,
 * SQS, Pub/Sub), into normalized {@link io.skyrelay.transforms.values.ChangeEvent}s; a message that
 * cannot be parsed yields a precise reason so that the caller can dead-letter it with its original
 * bytes.
 */
package io.skyrelay.transforms.sync.parse;
