package io.skyrelay.service.auth;

/** One person's account: the name requests and tokens carry, and the account's role. */
public record Account(String name, Role role) {

  /** Whether this account is an admin. */
  public boolean admin() {
    return role == Role.ADMIN;
  }
}
