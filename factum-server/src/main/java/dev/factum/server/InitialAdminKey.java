package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The first start with auth on: a store without any key gets one admin key, written to a file only
 * its owner can read, so the operator can create the real keys.
 *
 * <p>What must stay true: the file is created with mode 0600 from the start (never created wider
 * and narrowed later) and never overwritten: an existing file is refused (it may hold another
 * store's key, or an operator's copy). The key string is in that file and nowhere else; the log
 * says where the file is, never what is in it.
 */
final class InitialAdminKey {
  private static final System.Logger LOG = System.getLogger("dev.factum.server");

  private InitialAdminKey() {}

  /** Creates the key and its file if auth is on and the store has no key yet. */
  static void ensure(KeyRegistry keys, ServerConfig config) {
    if (!config.authEnabled() || !keys.isEmpty()) {
      return;
    }
    Path file = config.auth().initialKeyFile();
    if (file == null) {
      throw new InvalidArgumentException(
          "auth is on and the store has no API key yet: give a file for the first admin key");
    }
    if (Files.exists(file)) {
      throw new InvalidArgumentException(
          "auth is on, the store has no API key, and "
              + file
              + " already exists; move it away so the first admin key can be written there");
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      throw new InvalidArgumentException(file + " appeared while the first admin key was made");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file, e);
    }
    KeyRegistry.Created created =
        keys.create("initial-admin", Role.ADMIN, Scopes.ALL, null, 0, Principal.SERVER);
    try {
      Files.writeString(file, created.key() + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "auth is on and the store had no API key: created admin key "
            + created.record().id()
            + "; the key is in "
            + file.toAbsolutePath()
            + " (readable by its owner only). Create your own keys with it, then delete the file.");
  }
}
