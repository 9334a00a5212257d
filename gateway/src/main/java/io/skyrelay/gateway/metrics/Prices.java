package io.skyrelay.gateway.metrics;

/**
 * What the gateway's traffic and storage cost, by region label, for the running-cost metrics.
 * Unknown regions cost nothing.
 */
public interface Prices {

  /** No prices known: the cost metrics stay at zero. */
  Prices NONE =
      new Prices() {
        @Override
        public double egressUsdPerByte(String from, String to) {
          return 0;
        }

        @Override
        public double requestUsd(String region, boolean write) {
          return 0;
        }

        @Override
        public double storageUsdPerByteHour(String region) {
          return 0;
        }
      };

  /** Dollars per byte sent from region {@code from} to region {@code to}. */
  double egressUsdPerByte(String from, String to);

  /**
   * Dollars per request in {@code region}: a write-class request (PUT, COPY, POST, LIST) when
   * {@code write}, else a read-class one (GET, HEAD).
   */
  double requestUsd(String region, boolean write);

  /** Dollars per byte stored for one hour in {@code region}. */
  double storageUsdPerByteHour(String region);
}
