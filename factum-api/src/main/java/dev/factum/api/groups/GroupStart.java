package dev.factum.api.groups;

/**
 * Where a new consumer group starts reading: the beginning of the log, its end (only events
 * appended after the group is created), or a position.
 *
 * @param position the first position read, or {@link #END}
 */
public record GroupStart(long position) {
  /** The end of the log as of the group's creation. */
  public static final long END = -1;

  public GroupStart {
    if (position < END) {
      throw new IllegalArgumentException("a group starts at a position >= 0, or at END");
    }
  }

  public static GroupStart beginning() {
    return new GroupStart(0);
  }

  public static GroupStart end() {
    return new GroupStart(END);
  }

  public static GroupStart at(long position) {
    return new GroupStart(position);
  }
}
