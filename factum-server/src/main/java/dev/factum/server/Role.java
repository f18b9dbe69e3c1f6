package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import java.util.Locale;

/**
 * What an API key may do, each role including the one before: {@code reader} reads and subscribes,
 * {@code writer} also appends and deletes, {@code admin} also manages keys, imports and reads the
 * system streams.
 */
enum Role {
  READER,
  WRITER,
  ADMIN;

  /** Whether this role may use a route needing {@code permission}. */
  boolean allows(Permission permission) {
    return switch (permission) {
      case PUBLIC, READ -> true;
      case WRITE -> this != READER;
      case ADMIN -> this == ADMIN;
    };
  }

  /**
   * The name as written in keys and on the wire ({@code reader}, {@code writer}, {@code admin}).
   */
  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Role parse(String text) {
    for (Role role : values()) {
      if (role.id().equals(text)) {
        return role;
      }
    }
    throw new InvalidArgumentException("role must be reader, writer or admin, was '" + text + "'");
  }
}
