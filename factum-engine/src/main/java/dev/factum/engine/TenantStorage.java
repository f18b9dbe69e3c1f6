package dev.factum.engine;

import dev.factum.api.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * Where the stores of tenants live, beside a root store: given by whoever opens the root store (a
 * RocksDB data directory, a PostgreSQL database) to the server, which decides which tenants exist.
 *
 * <p>What must stay true: each location is its own store (its own log from position 0, its own
 * subscriptions, consumer groups and records), sharing nothing with the root store or any other
 * location; {@link #create} never reuses data (a location that exists already is refused), {@link
 * #open} never creates one (a location deleted meanwhile fails instead of coming back empty), and
 * {@link #delete} removes everything of a location and may be repeated. A location is a name the
 * server makes up, {@link #LOCATION}: short, lowercase letters, digits and {@code -}, so it is safe
 * as a directory or schema name.
 */
public interface TenantStorage {
  /** 1 to 47 characters of {@code [a-z0-9-]}, starting with a letter or digit. */
  Pattern LOCATION = Pattern.compile("[a-z0-9][a-z0-9-]{0,46}");

  /** Creates the empty store of a new location and opens it. */
  FactumStore create(String location);

  /** Opens the store of an existing location. */
  FactumStore open(String location);

  /** Removes every trace of a location; its store must be closed. Deleting nothing is fine. */
  void delete(String location);

  /** Refuses a location that is not {@link #LOCATION}. */
  static String checkLocation(String location) {
    if (location == null || !LOCATION.matcher(location).matches()) {
      throw new InvalidArgumentException("not a tenant storage location: '" + location + "'");
    }
    return location;
  }
}
