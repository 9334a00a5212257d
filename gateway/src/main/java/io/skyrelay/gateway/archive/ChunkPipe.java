package io.skyrelay.gateway.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded hand-over of bytes from the thread serving a response to the thread storing a restored
 * copy. The writer never fails because of the reader: once the reader has gone (its store write
 * failed), writes are dropped. The reader sees the end of the stream only when the writer finished
 * it, and an error when the writer gave up part-way, so a cut-off read never looks complete.
 */
final class ChunkPipe {

  private static final byte[] END = new byte[0];
  private static final byte[] ABORT = new byte[0];

  private final BlockingQueue<byte[]> queue;
  private volatile boolean readerGone;

  ChunkPipe(int chunks) {
    this.queue = new ArrayBlockingQueue<>(chunks);
  }

  /**
   * Hands over a copy of {@code len} bytes, waiting while the pipe is full.
   *
   * @return false when the reader has gone (nothing more needs writing)
   */
  boolean write(byte[] b, int off, int len) {
    if (len == 0) {
      return !readerGone;
    }
    byte[] chunk = new byte[len];
    System.arraycopy(b, off, chunk, 0, len);
    return offer(chunk);
  }

  /** Ends the stream: the reader sees its end once it has taken every byte. */
  void finish() {
    offer(END);
  }

  /** Gives up: the reader fails at its next read. */
  void abort() {
    queue.clear();
    queue.offer(ABORT);
  }

  /** Called by the reader when it stops reading, finished or not. */
  void readerDone() {
    readerGone = true;
    queue.clear();
  }

  private boolean offer(byte[] chunk) {
    try {
      while (!readerGone) {
        if (queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** The reading end. */
  InputStream input() {
    return new InputStream() {
      private byte[] current;
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (current == END) {
          return -1;
        }
        if (current == null || pos == current.length) {
          try {
            current = queue.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restoring from the archive", e);
          }
          pos = 0;
          if (current == END) {
            return -1;
          }
          if (current == ABORT) {
            throw new IOException("the read from the archive stopped before the end");
          }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }
}
