package io.skyrelay.transforms.values;

import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/** One byte range of a large object, to be written as one part of a multi-part upload. */
@DefaultCoder(AvroCoder.class)
public class ChunkTask {
  public CopyTask task;
  public String uploadId;
  @org.apache.avro.reflect.Nullable public String contentType;
  public java.util.Map<String, String> metadata;
  public int partNumber;
  public int partCount;
  public long offset;
  public long length;

  public ChunkTask() {}

  public ChunkTask(
      CopyTask task,
      String uploadId,
      String contentType,
      java.util.Map<String, String> metadata,
      int partNumber,
      int partCount,
      long offset,
      long length) {
    this.task = task;
    this.uploadId = uploadId;
    this.contentType = contentType;
    this.metadata = metadata;
    this.partNumber = partNumber;
    this.partCount = partCount;
    this.offset = offset;
    this.length = length;
  }

  /** Identifies the upload this chunk belongs to: destination and upload id. */
  public String uploadKey() {
    return task.destination + "/" + uploadId;
  }
}
