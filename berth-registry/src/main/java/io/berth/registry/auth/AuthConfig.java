package io.berth.registry.auth;

import java.nio.file.Path;

/**
 * The settings authentication is built from, apart from the rest of the registry's: the auth
 * package guards any HTTP surface and needs nothing of the registry that uses it.
 *
 * @param htpasswd the users (bcrypt htpasswd); null: no authentication
 * @param tokenAuth the Docker token flow (Bearer challenges, tokens from {@code /auth/token})
 *     instead of basic auth
 * @param access a JSON file of per-repository rules ({@link AccessRules}); null: every user who
 *     logs in may do everything
 * @param tokenKey where the token signing key is kept (made on first use)
 * @param tls whether the registry serves TLS (the token realm it names is https then)
 */
public record AuthConfig(Path htpasswd, boolean tokenAuth, Path access, Path tokenKey, boolean tls) {}
