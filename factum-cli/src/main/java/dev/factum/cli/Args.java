package dev.factum.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line arguments of one subcommand: {@code --name value} options, {@code --flag}s, and
 * positional arguments. Anything not declared is an error naming the culprit, so a typo never
 * passes silently. An option may be given more than once only if it is declared repeatable (as the
 * API's repeatable filters are); a second value of any other option is an error, not a silent
 * override.
 */
final class Args {
  private final Map<String, String> options = new HashMap<>();
  private final Map<String, List<String>> repeated = new HashMap<>();
  private final List<String> positional = new ArrayList<>();

  Args(String[] argv, int start, Set<String> valued, Set<String> flags) {
    this(argv, start, valued, flags, Set.of());
  }

  /** As above; the options in {@code repeatable} (also in {@code valued}) may be given often. */
  Args(String[] argv, int start, Set<String> valued, Set<String> flags, Set<String> repeatable) {
    for (int i = start; i < argv.length; i++) {
      String arg = argv[i];
      if (arg.startsWith("--")) {
        String name = arg.substring(2);
        String inline = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          inline = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (flags.contains(name) && inline == null) {
          options.put(name, "true");
        } else if (valued.contains(name)) {
          if (inline == null) {
            if (i + 1 >= argv.length) {
              throw new UsageException("--" + name + " needs a value");
            }
            inline = argv[++i];
          }
          if (options.containsKey(name) && !repeatable.contains(name)) {
            throw new UsageException("--" + name + " given twice");
          }
          options.put(name, inline);
          repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(inline);
        } else {
          throw new UsageException("unknown option --" + name);
        }
      } else {
        positional.add(arg);
      }
    }
  }

  String get(String name) {
    return options.get(name);
  }

  String get(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  /** Every value of a repeatable option, in the order given (empty when absent). */
  List<String> all(String name) {
    return repeated.getOrDefault(name, List.of());
  }

  boolean flag(String name) {
    return options.containsKey(name);
  }

  long number(String name, long fallback, long min, long max) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        throw new UsageException(
            "--" + name + " must be from " + min + " to " + max + ", was " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, was '" + value + "'");
    }
  }

  List<String> positional() {
    return positional;
  }

  /** Bad usage: reported with the command's help, exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
