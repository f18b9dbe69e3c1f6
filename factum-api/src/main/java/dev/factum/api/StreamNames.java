package dev.factum.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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

  /**
   * Percent-encodes a name for one segment of a URL path or a query value: everything but ASCII
   * letters, digits, {@code -}, {@code _} and {@code ~} is encoded, including {@code .} (so that a
   * name like {@code ..} can never read as a dot-segment) and {@code /}. A string that is not valid
   * Unicode (an unpaired surrogate) is refused rather than encoded with a replacement character,
   * which would name something else.
   *
   * @throws InvalidArgumentException if {@code value} is not valid Unicode
   */
  public static String urlEncode(String value) {
    ByteBuffer bytes;
    try {
      bytes =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw new InvalidArgumentException(
          "'" + value + "' is not valid Unicode (unpaired surrogate)");
    }
    StringBuilder out = new StringBuilder(value.length() + 8);
    while (bytes.hasRemaining()) {
      int c = bytes.get() & 0xFF;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
