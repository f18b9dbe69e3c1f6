package dev.factum.api;

/** Stream naming rules shared by every part of Factum. */
public final class StreamNames {
  private StreamNames() {}

  /**
   * The category of a stream: the part of its name before the first {@code -}, or the whole name
   * when it has none ({@code order-123} → {@code order}).
   */
  public static String category(String stream) {
    int dash = stream.indexOf('-');
    return dash < 0 ? stream : stream.substring(0, dash);
  }
}
