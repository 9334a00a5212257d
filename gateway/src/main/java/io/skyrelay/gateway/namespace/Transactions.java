package io.skyrelay.gateway.namespace;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One transaction on the namespace database, for the classes that keep its tables. */
final class Transactions {

  private Transactions() {}

  /** Work done on one connection, inside a transaction. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws;
   * a database error becomes a {@link NamespaceException}.
   */
  static <T> T run(DataSource dataSource, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new NamespaceException("namespace database: " + e.getMessage(), e);
    }
  }
}
