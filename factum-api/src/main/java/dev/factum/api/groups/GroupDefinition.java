package dev.factum.api.groups;

/**
 * A consumer group: a named, durable cursor over a source of events, shared by its consumers.
 *
 * @param name 1 to 200 UTF-8 bytes, no control characters
 */
public record GroupDefinition(
    String name, GroupSource source, GroupStart start, GroupSettings settings) {

  public static GroupDefinition of(String name, GroupSource source) {
    return new GroupDefinition(name, source, GroupStart.beginning(), GroupSettings.DEFAULT);
  }

  public GroupDefinition startingAt(GroupStart value) {
    return new GroupDefinition(name, source, value, settings);
  }

  public GroupDefinition with(GroupSettings value) {
    return new GroupDefinition(name, source, start, value);
  }
}
