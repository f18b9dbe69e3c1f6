package dev.factum.cli;

import dev.factum.api.FactumException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code factum} command. Each subcommand is a small class; this one only dispatches and turns
 * failures into exit codes: 0 success, 1 the operation failed (a conflict, damage found, the server
 * said no), 2 bad usage.
 */
public final class Factum {
  /** A subcommand. */
  interface Command {
    String summary();

    String usage();

    int run(String[] argv, PrintStream out, PrintStream err) throws Exception;
  }

  static final Map<String, Command> COMMANDS = commands();

  private static Map<String, Command> commands() {
    Map<String, Command> commands = new LinkedHashMap<>();
    for (Command command :
        List.of(
            new ServeCommand(),
            new AppendCommand(),
            new ReadCommand(),
            new TailCommand(),
            new StateCommand(),
            new StreamsCommand(),
            new MetadataCommand(),
            new DeleteCommand(),
            new ForgetCommand(),
            new ExportCommand(),
            new ImportCommand(),
            new VerifyCommand(),
            new ChainCommand(),
            new BackupCommand(),
            new ScavengeCommand(),
            new RestoreCommand(),
            new KeysCommand(),
            new TenantsCommand(),
            new GroupsCommand(),
            new WebhooksCommand(),
            new SinksCommand(),
            new ProjectionsCommand(),
            new ReactionsCommand())) {
      commands.put(
          command.getClass().getSimpleName().replace("Command", "").toLowerCase(Locale.ROOT),
          command);
    }
    return commands;
  }

  private Factum() {}

  public static void main(String[] argv) {
    // Libraries (the PostgreSQL connection pool) log through SLF4J's simple logger: warnings only,
    // unless the operator asks for more with -Dorg.slf4j.simpleLogger.defaultLogLevel=info.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(run(argv, System.out, System.err));
  }

  static int run(String[] argv, PrintStream out, PrintStream err) {
    if (argv.length == 0
        || argv[0].equals("--help")
        || argv[0].equals("-h")
        || argv[0].equals("help")) {
      out.print(help());
      return argv.length == 0 ? 2 : 0;
    }
    Command command = COMMANDS.get(argv[0]);
    if (command == null) {
      err.println("factum: unknown command '" + argv[0] + "'\n");
      err.print(help());
      return 2;
    }
    for (String arg : argv) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println(command.usage());
        return 0;
      }
    }
    try {
      return command.run(argv, out, err);
    } catch (Args.UsageException e) {
      err.println("factum " + argv[0] + ": " + e.getMessage() + "\n");
      err.println(command.usage());
      return 2;
    } catch (CommandFailure | FactumException e) {
      err.println("factum " + argv[0] + ": " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("factum " + argv[0] + ": " + e);
      return 1;
    }
  }

  static String help() {
    StringBuilder help =
        new StringBuilder(
            "Factum: an event store for event sourcing.\n\nUsage: factum <command> [options]\n\nCommands:\n");
    COMMANDS.forEach(
        (name, command) -> help.append(String.format("  %-8s %s%n", name, command.summary())));
    help.append("\nRun 'factum <command> --help' for the options of a command.\n");
    return help.toString();
  }

  /** The operation was carried out and failed; the message says why. Exit code 1. */
  static final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
      super(message);
    }
  }
}
