package io.skyrelay.replay.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * One request of an object, keyed elsewhere by the object's key.
 *
 * @param seq position in the trace: the line number, plus the file's index times 2^40
 * @param timestampMs when
 * @param op an {@code Op} code
 * @param region the issuing region, or -1 (IBM traces)
 * @param keyHash the key's hash
 * @param size bytes
 */
public record ObjectRequest(
    long seq, long timestampMs, byte op, byte region, long keyHash, long size) {

  /** A compact coder: variable-length numbers. */
  public static final class Coder extends CustomCoder<ObjectRequest> {

    private static final long serialVersionUID = 1L;

    @Override
    public void encode(ObjectRequest r, OutputStream out) throws IOException {
      VarInt.encode(r.seq, out);
      VarInt.encode(r.timestampMs, out);
      out.write(r.op);
      out.write(r.region);
      VarInt.encode(r.keyHash, out);
      VarInt.encode(r.size, out);
    }

    @Override
    public ObjectRequest decode(InputStream in) throws IOException {
      long seq = VarInt.decodeLong(in);
      long ts = VarInt.decodeLong(in);
      byte op = (byte) in.read();
      byte region = (byte) in.read();
      long hash = VarInt.decodeLong(in);
      long size = VarInt.decodeLong(in);
      return new ObjectRequest(seq, ts, op, region, hash, size);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
