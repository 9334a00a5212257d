package io.skyrelay.transforms.sync.parse;

/** The notification format a change-event topic carries. */
public enum NotificationFormat {
  /**
   * Amazon S3 event notifications ({@code Records[]}, event version 2.x) and the {@code
   * s3:TestEvent}, bare or inside SNS and SQS envelopes (nested, and Lambda-style batches).
   */
  S3,
  /** Amazon EventBridge events from source {@code aws.s3}, bare or inside an SQS/SNS envelope. */
  EVENTBRIDGE,
  /**
   * Azure Event Grid blob events in the Event Grid schema or the CloudEvents 1.0 schema, one event
   * or an array.
   */
  EVENT_GRID,
  /**
   * GCS Pub/Sub notifications: the attributes as Kafka headers with the object resource (or
   * nothing) as the value, or one wrapped Pub/Sub message ({@code data} + {@code attributes}, also
   * inside a push {@code message} envelope).
   */
  GCS,
  /** Any of the above, recognized by the headers and the message's shape. */
  AUTO
}
