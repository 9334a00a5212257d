/**
 * Accounts and what proves them: roles (admin, researcher), the accounts table, and the signer of
 * bearer tokens and download links whose key is kept in the service folder.
 */
package io.skyrelay.service.auth;
