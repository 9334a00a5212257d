package io.skyrelay.service;

import io.skyrelay.service.auth.Account;
import io.skyrelay.service.auth.Accounts;
import io.skyrelay.service.auth.Role;
import io.skyrelay.service.auth.Signer;
import io.skyrelay.service.db.ServiceDatabase;
import java.time.Duration;
import java.time.Instant;

/**
 * Accounts and tokens of a service, managed from the command line whether the service runs or not
 * ({@code skyrelay serve account add}, {@code skyrelay serve token}).
 */
public final class ServiceAccounts implements AutoCloseable {

  private final ServiceDatabase db;
  private final Accounts accounts;
  private final Signer signer;

  private ServiceAccounts(ServiceConfig config) {
    this.signer = Signer.inFolder(config.folder());
    this.db = ServiceDatabase.open(config.database());
    this.accounts = new Accounts(db);
  }

  /** Opens the accounts of the service {@code config} describes. */
  public static ServiceAccounts open(ServiceConfig config) {
    return new ServiceAccounts(config);
  }

  /** Adds an account or changes its role; true when it is new. */
  public boolean put(String name, Role role) {
    return accounts.put(name, role);
  }

  /**
   * A bearer token for the existing account {@code name}, valid for {@code ttl}.
   *
   * @throws IllegalArgumentException when there is no such account
   */
  public String token(String name, Duration ttl) {
    Account account =
        accounts
            .find(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no account named '"
                            + name
                            + "': add it with 'skyrelay serve account add "
                            + name
                            + " --role researcher'"));
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a token's lifetime must be positive, not " + ttl);
    }
    return signer.token(account.name(), ttl, Instant.now());
  }

  @Override
  public void close() {
    db.close();
  }
}
