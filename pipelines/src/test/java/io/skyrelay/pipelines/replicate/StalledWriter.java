package io.skyrelay.pipelines.replicate;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * A process that begins writing one object into the store {@code args[0]} and never finishes: its
 * body blocks after the store has made its temporary file. It prints {@code writing} once it is
 * there, then waits to be killed, as a replication killed mid-copy would be.
 */
public final class StalledWriter {

  public static void main(String[] args) throws Exception {
    ObjectStore store = ObjectStores.open(args[0], StoreSettings.EMPTY);
    InputStream stalled =
        new InputStream() {
          @Override
          public int read() {
            return block();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return block();
          }

          private int block() {
            System.out.println("writing");
            System.out.flush();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return -1;
          }
        };
    store.put("stalled-" + ProcessHandle.current().pid(), stalled, 1 << 20, PutOptions.DEFAULT);
  }
}
