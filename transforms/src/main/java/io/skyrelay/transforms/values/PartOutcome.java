package io.skyrelay.transforms.values;

import org.apache.avro.reflect.Nullable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;

/** The result of writing one chunk: the part's token, or why it failed. */
@DefaultCoder(AvroCoder.class)
public class PartOutcome {
  public ChunkTask chunk;
  @Nullable public String etag;
  @Nullable public String error;
  public boolean sourceChanged;

  public PartOutcome() {}

  public PartOutcome(ChunkTask chunk, String etag, String error, boolean sourceChanged) {
    this.chunk = chunk;
    this.etag = etag;
    this.error = error;
    this.sourceChanged = sourceChanged;
  }
}
