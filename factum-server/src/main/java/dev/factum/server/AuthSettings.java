package dev.factum.server;

import java.nio.file.Path;

/**
 * Whether the server requires API keys, and where the first admin key goes.
 *
 * <p>Auth is on when asked ({@code --auth}) and always when the server binds anything but a
 * loopback address; off (open mode: every request acts as an unscoped admin) only on loopback
 * without the flag, for local development. See docs/SECURITY.md.
 *
 * @param requested auth asked for explicitly
 * @param initialKeyFile where the first admin key is written (mode 0600) when auth is on and the
 *     store has no key yet; null to refuse such a start
 */
public record AuthSettings(boolean requested, Path initialKeyFile) {
  public static final AuthSettings OPEN_ON_LOOPBACK = new AuthSettings(false, null);

  /** Auth on, the first admin key written to {@code initialKeyFile}. */
  public static AuthSettings on(Path initialKeyFile) {
    return new AuthSettings(true, initialKeyFile);
  }

  /** Whether a server bound to {@code host} requires keys. */
  public boolean enabledFor(String host) {
    return requested || !ServerConfig.loopback(host);
  }
}
