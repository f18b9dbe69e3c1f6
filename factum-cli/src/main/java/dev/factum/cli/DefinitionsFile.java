package dev.factum.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.kafka.SinkDefinition;
import dev.factum.kafka.SinkJson;
import dev.factum.webhooks.WebhookDefinition;
import dev.factum.webhooks.WebhookJson;
import dev.factum.webhooks.Webhooks;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The definitions file of {@code factum serve --sinks FILE} (docs/KAFKA.md, docs/WEBHOOKS.md): a
 * JSON object {@code {"sinks": [..], "webhooks": [..]}}, both optional; each sink in the shape
 * {@code POST /admin/sinks} takes ({@link SinkJson}), each webhook in the shape {@code POST
 * /admin/webhooks} takes ({@link WebhookJson}) plus {@code secretFile}.
 *
 * <p>Secrets: a webhook's signing secret is never written in this file (which tends to live in
 * version control); {@code secretFile} names a file holding it (relative to this file's directory;
 * default {@code <name>.whsec} beside this file). If that file exists, its content (without
 * surrounding white space) is the secret, at least 32 printable ASCII characters; if it does not,
 * {@link #writeMissingSecrets} makes a new random secret and writes it there, readable by its owner
 * only, so the receiver's operator can take it from there.
 *
 * <p>What must stay true: a file is read and checked whole (secret files that exist included)
 * before anything is applied, so a bad file changes nothing; every error names the file and the
 * entry ({@code sinks[2]}, {@code webhooks[0]}); a name given twice in one list is an error.
 */
final class DefinitionsFile {
  /** A webhook of the file: its definition, where its secret is, and the secret if it exists. */
  record WebhookEntry(WebhookDefinition definition, Path secretFile, String secret) {}

  private final Path file;
  private final List<SinkDefinition> sinks;
  private final List<WebhookEntry> webhooks;
  private final boolean listsSinks;
  private final boolean listsWebhooks;

  private DefinitionsFile(
      Path file,
      List<SinkDefinition> sinks,
      List<WebhookEntry> webhooks,
      boolean listsSinks,
      boolean listsWebhooks) {
    this.file = file;
    this.sinks = sinks;
    this.webhooks = webhooks;
    this.listsSinks = listsSinks;
    this.listsWebhooks = listsWebhooks;
  }

  List<SinkDefinition> sinks() {
    return sinks;
  }

  /**
   * Whether the file has a {@code "sinks"} list: pruning deletes only the kinds the file lists, so
   * a sinks-only file of before webhooks could be declared never deletes the webhooks made over
   * HTTP ({@code "webhooks": []} prunes them all).
   */
  boolean listsSinks() {
    return listsSinks;
  }

  boolean listsWebhooks() {
    return listsWebhooks;
  }

  /** The file read; an {@link InvalidArgumentException} says what is wrong. */
  static DefinitionsFile read(Path file) {
    JsonNode root;
    try {
      root = WireJson.mapper().readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException(
          file + ": not JSON: " + e.getOriginalMessage() + " (line " + line(e) + ")");
    } catch (IOException e) {
      throw new InvalidArgumentException(file + ": cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidArgumentException(
          file + ": must be a JSON object {\"sinks\": [..], \"webhooks\": [..]}");
    }
    for (Map.Entry<String, JsonNode> member : root.properties()) {
      if (!member.getKey().equals("sinks") && !member.getKey().equals("webhooks")) {
        throw new InvalidArgumentException(
            file + ": unknown member '" + member.getKey() + "' (only \"sinks\" and \"webhooks\")");
      }
    }
    List<SinkDefinition> sinks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    JsonNode sinkList = list(file, root, "sinks");
    for (int i = 0; i < sinkList.size(); i++) {
      SinkDefinition definition;
      try {
        definition = SinkJson.read(sinkList.get(i));
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(file + ": sinks[" + i + "]: " + e.getMessage(), e);
      }
      if (!names.add(definition.name())) {
        throw twice(file, "sinks", i, definition.name());
      }
      sinks.add(definition);
    }
    List<WebhookEntry> webhooks = new ArrayList<>();
    names.clear();
    JsonNode webhookList = list(file, root, "webhooks");
    for (int i = 0; i < webhookList.size(); i++) {
      WebhookEntry entry;
      try {
        entry = webhook(file, webhookList.get(i));
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(file + ": webhooks[" + i + "]: " + e.getMessage(), e);
      }
      if (!names.add(entry.definition().name())) {
        throw twice(file, "webhooks", i, entry.definition().name());
      }
      webhooks.add(entry);
    }
    return new DefinitionsFile(file, sinks, webhooks, root.has("sinks"), root.has("webhooks"));
  }

  private static JsonNode list(Path file, JsonNode root, String member) {
    JsonNode list = root.get(member);
    if (list == null) {
      return WireJson.mapper().createArrayNode();
    }
    if (!list.isArray()) {
      throw new InvalidArgumentException(
          file + ": \"" + member + "\" must be an array of definitions");
    }
    return list;
  }

  private static WebhookEntry webhook(Path file, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidArgumentException("a webhook is a JSON object");
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    if (copy.has("secret")) {
      throw new InvalidArgumentException(
          "a secret is not written in the definitions file: name a 'secretFile' that holds it"
              + " (or that the server is to create)");
    }
    JsonNode secretFile = copy.remove("secretFile");
    if (secretFile != null && !secretFile.isTextual()) {
      throw new InvalidArgumentException("'secretFile' must be a path (a string)");
    }
    WebhookDefinition definition = WebhookJson.definition(copy);
    Path directory = file.toAbsolutePath().getParent();
    Path secretPath =
        directory.resolve(
            secretFile == null ? definition.name() + ".whsec" : secretFile.textValue());
    String secret = null;
    if (Files.exists(secretPath)) {
      try {
        secret = Files.readString(secretPath, StandardCharsets.US_ASCII).strip();
      } catch (IOException e) {
        throw new InvalidArgumentException(
            "the secret file " + secretPath + " cannot be read: " + e.getMessage());
      }
      try {
        var unused = new Webhooks.Declaration(definition, secret); // the secret checked
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(secretPath + ": " + e.getMessage(), e);
      }
    } else if (secretPath.getParent() == null || !Files.isDirectory(secretPath.getParent())) {
      throw new InvalidArgumentException(
          "the directory of the secret file " + secretPath + " does not exist");
    }
    return new WebhookEntry(definition, secretPath, secret);
  }

  /**
   * Writes a new secret into each webhook's secret file that does not exist yet, readable by its
   * owner only; the declarations with every secret, and a line per file written for the operator.
   */
  List<Webhooks.Declaration> writeMissingSecrets(List<String> said) throws IOException {
    List<Webhooks.Declaration> declarations = new ArrayList<>();
    for (WebhookEntry entry : webhooks) {
      String secret = entry.secret();
      if (secret == null) {
        secret = Webhooks.newSecret();
        try {
          Files.createFile(
              entry.secretFile(),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
          throw new IOException(
              entry.secretFile() + " appeared while the server started; start again", e);
        } catch (UnsupportedOperationException e) {
          Files.createFile(entry.secretFile()); // not a POSIX file system
        }
        Files.writeString(entry.secretFile(), secret + "\n", StandardCharsets.US_ASCII);
        said.add(
            "webhook "
                + entry.definition().name()
                + ": a new signing secret was written to "
                + entry.secretFile()
                + " (readable by its owner only)");
      }
      declarations.add(new Webhooks.Declaration(entry.definition(), secret));
    }
    return declarations;
  }

  Path file() {
    return file;
  }

  private static InvalidArgumentException twice(Path file, String list, int i, String name) {
    return new InvalidArgumentException(
        file + ": " + list + "[" + i + "]: the name '" + name + "' is given twice");
  }

  private static String line(JsonProcessingException e) {
    return e.getLocation() == null ? "?" : Integer.toString(e.getLocation().getLineNr());
  }
}
