package dev.factum.wire;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * JSON bytes to embed as they are ({@link com.fasterxml.jackson.core.JsonGenerator#writeRawValue(
 * SerializableString)}): a UTF-8 generator copies them straight into its buffer, where a {@code
 * String} would be decoded from UTF-8 and encoded back for every event of every page.
 *
 * <p>What must stay true: the bytes are exactly one valid JSON value (the caller's promise: they
 * came from the store, which checked them on append); only the unquoted forms are meaningful, so
 * the quoted ones are refused rather than guessed.
 */
final class RawJson implements SerializableString {
  private final byte[] bytes;
  private String text;

  RawJson(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public String getValue() {
    if (text == null) {
      text = new String(bytes, StandardCharsets.UTF_8); // only a character-based generator asks
    }
    return text;
  }

  @Override
  public int charLength() {
    return getValue().length();
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return bytes.clone();
  }

  @Override
  public int appendUnquotedUTF8(byte[] buffer, int offset) {
    if (offset + bytes.length > buffer.length) {
      return -1; // the generator then writes asUnquotedUTF8() itself
    }
    System.arraycopy(bytes, 0, buffer, offset, bytes.length);
    return bytes.length;
  }

  @Override
  public int appendUnquoted(char[] buffer, int offset) {
    String value = getValue();
    if (offset + value.length() > buffer.length) {
      return -1;
    }
    value.getChars(0, value.length(), buffer, offset);
    return value.length();
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    out.write(bytes);
    return bytes.length;
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer buffer) {
    if (buffer.remaining() < bytes.length) {
      return -1;
    }
    buffer.put(bytes);
    return bytes.length;
  }

  @Override
  public char[] asQuotedChars() {
    throw quoted();
  }

  @Override
  public byte[] asQuotedUTF8() {
    throw quoted();
  }

  @Override
  public int appendQuotedUTF8(byte[] buffer, int offset) {
    throw quoted();
  }

  @Override
  public int appendQuoted(char[] buffer, int offset) {
    throw quoted();
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) {
    throw quoted();
  }

  @Override
  public int putQuotedUTF8(ByteBuffer buffer) {
    throw quoted();
  }

  private static UnsupportedOperationException quoted() {
    return new UnsupportedOperationException("raw JSON is never written as a quoted string");
  }

  @Override
  public String toString() {
    return getValue();
  }
}
