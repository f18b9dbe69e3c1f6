package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.StreamNames;
import java.util.List;

/**
 * The streams a key may touch: stream-name prefixes and/or categories; none of either means every
 * stream.
 *
 * <p>The rules, exactly (docs/SECURITY.md): a stream is in scope when its decoded name starts with
 * one of the prefixes (plain {@code String.startsWith}, code unit by code unit: no case folding, no
 * Unicode normalisation, no trimming), or when its category ({@link StreamNames#category}: the part
 * before the first {@code -}) equals one of the categories. So category {@code order} matches
 * {@code order-1} and {@code order}, never {@code orders-1}; prefix {@code order} matches both.
 * Names reach this class after the router's strict percent-decoding, so an encoded name and its
 * plain spelling are the same string. System streams ({@code $...}) are never in a scope: the view
 * decides them by role.
 */
record Scopes(List<String> prefixes, List<String> categories) {
  static final Scopes ALL = new Scopes(List.of(), List.of());

  Scopes {
    prefixes = List.copyOf(prefixes);
    categories = List.copyOf(categories);
    for (String value : prefixes) {
      check("prefix", value);
    }
    for (String value : categories) {
      check("category", value);
      if (value.indexOf('-') >= 0) {
        throw new InvalidArgumentException("a scope category has no '-': " + value);
      }
    }
  }

  private static void check(String what, String value) {
    if (value == null || value.isEmpty() || value.charAt(0) == '$') {
      throw new InvalidArgumentException(
          "a scope " + what + " must be non-empty and not start with '$'");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidArgumentException("a scope " + what + " contains a control character");
    }
  }

  boolean unrestricted() {
    return prefixes.isEmpty() && categories.isEmpty();
  }

  /** Whether a user stream is in scope (see the class note for the exact rules). */
  boolean allows(String stream) {
    if (stream == null || stream.isEmpty() || stream.charAt(0) == '$') {
      return false;
    }
    if (unrestricted()) {
      return true;
    }
    for (String prefix : prefixes) {
      if (stream.startsWith(prefix)) {
        return true;
      }
    }
    return categories.contains(StreamNames.category(stream));
  }
}
