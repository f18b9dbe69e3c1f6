package dev.factum.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sinks definitions file ({@code factum serve --sinks FILE}, docs/KAFKA.md): a JSON object {@code
 * {"sinks": [<definition>, ...]}}, each definition in the shape {@code factum sinks create} and
 * {@code POST /admin/sinks} take ({@link SinkJson}).
 *
 * <p>What must stay true: a file is read whole and checked whole before anything is applied, so a
 * bad file changes nothing; every error names the file and the entry ({@code sinks[2]}); a name
 * given twice is an error, not "the last one wins".
 */
public final class SinkFile {
  private SinkFile() {}

  /** The definitions of {@code file}; an {@link InvalidArgumentException} says what is wrong. */
  public static List<SinkDefinition> read(Path file) {
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
      throw new InvalidArgumentException(file + ": must be a JSON object {\"sinks\": [..]}");
    }
    for (Map.Entry<String, JsonNode> member : root.properties()) {
      if (!member.getKey().equals("sinks")) {
        throw new InvalidArgumentException(
            file + ": unknown member '" + member.getKey() + "' (only \"sinks\")");
      }
    }
    JsonNode sinks = root.get("sinks");
    if (sinks == null || !sinks.isArray()) {
      throw new InvalidArgumentException(file + ": \"sinks\" must be an array of definitions");
    }
    List<SinkDefinition> definitions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < sinks.size(); i++) {
      SinkDefinition definition;
      try {
        definition = SinkJson.read(sinks.get(i));
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(file + ": sinks[" + i + "]: " + e.getMessage(), e);
      }
      if (!names.add(definition.name())) {
        throw new InvalidArgumentException(
            file + ": sinks[" + i + "]: the name '" + definition.name() + "' is given twice");
      }
      definitions.add(definition);
    }
    return definitions;
  }

  private static String line(JsonProcessingException e) {
    return e.getLocation() == null ? "?" : Integer.toString(e.getLocation().getLineNr());
  }
}
