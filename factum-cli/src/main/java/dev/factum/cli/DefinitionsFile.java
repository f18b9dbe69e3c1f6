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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The definitions file of {@code factum serve --sinks FILE} (docs/KAFKA.md, docs/WEBHOOKS.md): a
 * JSON object {@code {"sinks": [..], "webhooks": [..], "tenants": {"acme": {"sinks": [..],
 * "webhooks": [..]}}}}, every member optional; the top-level lists are the root store's, each
 * member of {@code tenants} that tenant's store's. Each sink in the shape {@code POST /admin/sinks}
 * takes ({@link SinkJson}), each webhook in the shape {@code POST /admin/webhooks} takes ({@link
 * WebhookJson}) plus {@code secretFile}. Whether a tenant exists is known only once the store is
 * open: the caller resolves the names before it applies anything.
 *
 * <p>Secrets: a webhook's signing secret is never written in this file (which tends to live in
 * version control); {@code secretFile} names a file holding it (relative to this file's directory;
 * default {@code <name>.whsec} beside this file, {@code <tenant>.<name>.whsec} for a tenant's). If
 * that file exists, its content (without surrounding white space) is the secret, at least 32
 * printable ASCII characters; if it does not, {@link #writeMissingSecrets} makes a new random
 * secret and writes it there, readable by its owner only, so the receiver's operator can take it
 * from there.
 *
 * <p>What must stay true: a file is read and checked whole (secret files that exist included)
 * before anything is applied, so a bad file changes nothing; every error names the file and the
 * entry ({@code sinks[2]}, {@code tenants.acme.webhooks[0]}); a name given twice in one list is an
 * error.
 */
final class DefinitionsFile {
  /** A webhook of the file: its definition, where its secret is, and the secret if it exists. */
  record WebhookEntry(WebhookDefinition definition, Path secretFile, String secret) {}

  /**
   * The entries of one store (the root store's, or one tenant's under {@code "tenants"}), and
   * whether the file lists each kind: pruning deletes only the kinds listed, so a sinks-only file
   * of before webhooks could be declared never deletes the webhooks made over HTTP ({@code
   * "webhooks": []} prunes them all).
   */
  record Part(
      List<SinkDefinition> sinks,
      List<WebhookEntry> webhooks,
      boolean listsSinks,
      boolean listsWebhooks) {}

  private final Path file;
  private final Part root;
  private final Map<String, Part> tenants;

  private DefinitionsFile(Path file, Part root, Map<String, Part> tenants) {
    this.file = file;
    this.root = root;
    this.tenants = tenants;
  }

  /** The root store's entries. */
  Part root() {
    return root;
  }

  /** Each tenant's entries, by tenant name, in the file's order. */
  Map<String, Part> tenants() {
    return tenants;
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
          file
              + ": must be a JSON object {\"sinks\": [..], \"webhooks\": [..], \"tenants\": {..}}");
    }
    for (Map.Entry<String, JsonNode> member : root.properties()) {
      if (!Set.of("sinks", "webhooks", "tenants").contains(member.getKey())) {
        throw new InvalidArgumentException(
            file
                + ": unknown member '"
                + member.getKey()
                + "' (only \"sinks\", \"webhooks\" and \"tenants\")");
      }
    }
    Map<String, Part> tenants = new LinkedHashMap<>();
    JsonNode tenantMap = root.get("tenants");
    if (tenantMap != null) {
      if (!tenantMap.isObject()) {
        throw new InvalidArgumentException(
            file
                + ": \"tenants\" must be an object {\"TENANT\": {\"sinks\": [..], \"webhooks\": [..]}}");
      }
      for (Map.Entry<String, JsonNode> tenant : tenantMap.properties()) {
        String where = file + ": tenants." + tenant.getKey();
        if (!tenant.getValue().isObject()) {
          throw new InvalidArgumentException(
              where + ": must be an object {\"sinks\": [..], \"webhooks\": [..]}");
        }
        for (Map.Entry<String, JsonNode> member : tenant.getValue().properties()) {
          if (!member.getKey().equals("sinks") && !member.getKey().equals("webhooks")) {
            throw new InvalidArgumentException(
                where
                    + ": unknown member '"
                    + member.getKey()
                    + "' (only \"sinks\" and \"webhooks\")");
          }
        }
        tenants.put(
            tenant.getKey(),
            part(file, where + ".", tenant.getValue(), tenant.getKey() + "." /* secret files */));
      }
    }
    return new DefinitionsFile(file, part(file, file + ": ", root, ""), tenants);
  }

  /**
   * The sinks and webhooks of one store; errors start with {@code where}; a webhook's default
   * secret file is {@code <secretPrefix><name>.whsec} beside the file.
   */
  private static Part part(Path file, String where, JsonNode node, String secretPrefix) {
    List<SinkDefinition> sinks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    JsonNode sinkList = list(where, node, "sinks");
    for (int i = 0; i < sinkList.size(); i++) {
      SinkDefinition definition;
      try {
        definition = SinkJson.read(sinkList.get(i));
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(where + "sinks[" + i + "]: " + e.getMessage(), e);
      }
      if (!names.add(definition.name())) {
        throw twice(where, "sinks", i, definition.name());
      }
      sinks.add(definition);
    }
    List<WebhookEntry> webhooks = new ArrayList<>();
    names.clear();
    JsonNode webhookList = list(where, node, "webhooks");
    for (int i = 0; i < webhookList.size(); i++) {
      WebhookEntry entry;
      try {
        entry = webhook(file, webhookList.get(i), secretPrefix);
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(where + "webhooks[" + i + "]: " + e.getMessage(), e);
      }
      if (!names.add(entry.definition().name())) {
        throw twice(where, "webhooks", i, entry.definition().name());
      }
      webhooks.add(entry);
    }
    return new Part(sinks, webhooks, node.has("sinks"), node.has("webhooks"));
  }

  private static JsonNode list(String where, JsonNode root, String member) {
    JsonNode list = root.get(member);
    if (list == null) {
      return WireJson.mapper().createArrayNode();
    }
    if (!list.isArray()) {
      throw new InvalidArgumentException(
          where + "\"" + member + "\" must be an array of definitions");
    }
    return list;
  }

  private static WebhookEntry webhook(Path file, JsonNode node, String secretPrefix) {
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
            secretFile == null
                ? secretPrefix + definition.name() + ".whsec"
                : secretFile.textValue());
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
  static List<Webhooks.Declaration> writeMissingSecrets(Part part, List<String> said)
      throws IOException {
    List<Webhooks.Declaration> declarations = new ArrayList<>();
    for (WebhookEntry entry : part.webhooks()) {
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

  private static InvalidArgumentException twice(String where, String list, int i, String name) {
    return new InvalidArgumentException(
        where + list + "[" + i + "]: the name '" + name + "' is given twice");
  }

  private static String line(JsonProcessingException e) {
    return e.getLocation() == null ? "?" : Integer.toString(e.getLocation().getLineNr());
  }
}
