package dev.factum.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subcommand of a command such as {@code factum groups replay NAME POSITION}: its name (the
 * first positional argument) and its operands (the ones after it), checked against how many
 * operands each subcommand takes. The usage messages are built here, so every command that has
 * subcommands words them the same way.
 *
 * @param name the subcommand
 * @param operands the positional arguments after it, exactly as many as it takes
 */
record Subcommand(String name, List<String> operands) {

  /**
   * The subcommand of {@code args}. {@code operandCounts} maps each subcommand, in the order the
   * help lists them, to the number of operands it takes; {@code operandNouns} names the operands in
   * order (e.g. "a group name", "a position") for the message when the count is wrong.
   */
  static Subcommand of(
      Args args, String command, Map<String, Integer> operandCounts, List<String> operandNouns) {
    List<String> positional = args.positional();
    if (positional.isEmpty()) {
      throw new Args.UsageException("give " + alternatives(List.copyOf(operandCounts.keySet())));
    }
    String name = positional.getFirst();
    Integer count = operandCounts.get(name);
    if (count == null) {
      throw new Args.UsageException("unknown " + command + " command '" + name + "'");
    }
    if (positional.size() != count + 1) {
      throw new Args.UsageException(
          count == 0
              ? "unexpected argument"
              : "give " + String.join(" and ", operandNouns.subList(0, count)));
    }
    return new Subcommand(name, List.copyOf(positional.subList(1, positional.size())));
  }

  /**
   * The subcommands of a command in the order its help lists them, each with its operand count,
   * from a spec such as {@code "list show:1 get:2"} (no count: none).
   */
  static Map<String, Integer> operandCounts(String spec) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String entry : spec.split(" ")) {
      int colon = entry.indexOf(':');
      counts.put(
          colon < 0 ? entry : entry.substring(0, colon),
          colon < 0 ? 0 : Integer.parseInt(entry.substring(colon + 1)));
    }
    return Collections.unmodifiableMap(counts);
  }

  /** The first operand, or null for a subcommand that takes none. */
  String first() {
    return operands.isEmpty() ? null : operands.getFirst();
  }

  private static String alternatives(List<String> names) {
    return names.size() == 1
        ? names.getFirst()
        : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
  }
}
