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

  /**
   * How the part travelled when the job routes through relays: the relays joined by {@code +},
   * {@code fallback} when its relay failed and it went direct; null on the direct path.
   */
  @Nullable public String route;

  public PartOutcome() {}

  public PartOutcome(ChunkTask chunk, String etag, String error, boolean sourceChanged) {
    this(chunk, etag, error, sourceChanged, null);
  }

  public PartOutcome(
      ChunkTask chunk, String etag, String error, boolean sourceChanged, String route) {
    this.chunk = chunk;
    this.etag = etag;
    this.error = error;
    this.sourceChanged = sourceChanged;
    this.route = route;
  }
}
