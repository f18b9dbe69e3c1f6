package dev.factum.engine;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.EventData;
import dev.factum.api.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * The stored form of an event about a data subject: the one owner of its bytes. The storage keeps
 * such an event with content type {@value #CONTENT_TYPE}, no metadata, and this envelope as its
 * data; type, tags, id, stream, revision and position stay in the clear, so filters, indexes and
 * the log's structure work unchanged, and a hash over the stored bytes (tamper evidence) is not
 * disturbed by a forget, which deletes a key and never touches an event.
 *
 * <pre>
 *  0       1       2         4          4+s           12+s      14+s          14+s+c     26+s+c
 *  +-------+-------+---------+----------+-------------+---------+-------------+----------+--------+
 *  | ver 1 | flags | s (u16) | subject  | key id (u64)| c (u16) | contentType | nonce 12 | sealed |
 *  +-------+-------+---------+----------+-------------+---------+-------------+----------+--------+
 *   header (bytes 0 .. 14+s+c): in the clear, and authenticated as part of the associated data
 *   flags  = bit 0: the event id is bound (part of the associated data)
 *   sealed = AES-256-GCM(data key, nonce, plain, aad), 128-bit tag at its end
 *   plain  = flags (u8, bit 0: metadata present) | data length (u32) | data | metadata
 *   aad    = header | stream length (u16) | stream | id (16 bytes, when bound)
 * </pre>
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Ciphertext cannot be moved: the associated data binds it to its subject, key, content type
 *       and stream, and to the event id when the appender supplied one (the store assigns ids that
 *       are absent only later, on the writer; revisions too, so neither can be bound here).
 *   <li>A nonce never repeats under one key for different inputs. With an event id it is synthetic
 *       (the first 96 bits of HMAC-SHA256 under a key derived from the data key, over the
 *       associated data and the plaintext): a retry of the same event seals to the same bytes, so
 *       the writer's byte-for-byte idempotency check still recognises it, and two different inputs
 *       share a nonce only by an HMAC collision. Without an id (no retry can be recognised anyway)
 *       it is random.
 *   <li>Key id 0 is never issued: an envelope with key id 0 and nothing sealed is the stored form
 *       of an event imported already redacted, and always reads as redacted.
 *   <li>A version this build does not know is refused loudly, a malformed envelope is damage.
 * </ul>
 *
 * <p>Cost (the append throughput goal): sealing allocates the envelope once and builds it in place
 * (header, nonce, plaintext), then encrypts the plaintext where it lies; the associated data is fed
 * from the envelope's own header and the stream's bytes, computed once per append part. The cipher
 * and the HMAC come set up for the key from its pool ({@link SubjectDataKey}). Opening decrypts
 * into the cipher's scratch buffer and copies data and metadata out once each.
 */
final class SubjectEnvelope {
  /** The content type a sealed event is stored with; appends and imports may not use it. */
  static final String CONTENT_TYPE = "application/vnd.factum.sealed";

  static final byte VERSION = 1;
  static final int NONCE_BYTES = SubjectCipher.NONCE_BYTES;
  static final int TAG_BITS = SubjectCipher.TAG_BITS;
  private static final int TAG_BYTES = TAG_BITS / 8;

  /** Plaintext prefix: flags (u8) and data length (u32). */
  private static final int PLAIN_PREFIX = 5;

  private static final byte[] JSON_UTF8 = EventData.JSON.getBytes(StandardCharsets.UTF_8);

  private SubjectEnvelope() {}

  /** What a read of an envelope finds before any key is needed. */
  record Header(String subject, long keyId, String contentType, boolean idBound, int length) {}

  /** The opened content of an envelope. */
  record Content(byte[] data, byte[] metadata) {}

  /**
   * The stream's part of the associated data (its UTF-8 length as u16, then the bytes): the same
   * for every event of one append part, so computed once for them.
   */
  static byte[] streamAad(String stream) {
    byte[] s = stream.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + s.length).putShort((short) s.length).put(s).array();
  }

  /**
   * Seals one event's data and metadata under {@code key}.
   *
   * @param streamAad {@link #streamAad} of the event's stream
   */
  static byte[] seal(
      SubjectDataKey key,
      String contentType,
      byte[] data,
      byte[] metadata,
      byte[] streamAad,
      UUID id) {
    byte[] subject = key.subjectUtf8();
    byte[] type =
        contentType.equals(EventData.JSON)
            ? JSON_UTF8
            : contentType.getBytes(StandardCharsets.UTF_8);
    checkLengths(subject, type);
    int headerLength = 2 + 2 + subject.length + 8 + 2 + type.length;
    int plainAt = headerLength + NONCE_BYTES;
    int plainLength = PLAIN_PREFIX + data.length + (metadata == null ? 0 : metadata.length);
    byte[] out = new byte[plainAt + plainLength + TAG_BYTES];
    ByteBuffer envelope = ByteBuffer.wrap(out);
    putHeader(envelope, subject, key.id(), type, id != null);
    envelope.position(plainAt);
    envelope.put((byte) (metadata == null ? 0 : 1)).putInt(data.length).put(data);
    if (metadata != null) {
      envelope.put(metadata);
    }
    byte[] idBytes = id == null ? null : idBytes(id);
    SubjectCipher crypto = key.borrow();
    try {
      if (id != null) {
        Mac mac = crypto.nonceMac();
        mac.update(out, 0, headerLength);
        mac.update(streamAad);
        mac.update(idBytes);
        mac.update(out, plainAt, plainLength);
        System.arraycopy(mac.doFinal(), 0, out, headerLength, NONCE_BYTES);
      } else {
        crypto.freshNonce(out, headerLength);
      }
      Cipher cipher = crypto.encryptor(out, headerLength);
      cipher.updateAAD(out, 0, headerLength);
      cipher.updateAAD(streamAad);
      if (idBytes != null) {
        cipher.updateAAD(idBytes);
      }
      cipher.doFinal(out, plainAt, plainLength, out, plainAt);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to encrypt", e);
    } finally {
      key.release(crypto);
    }
    return out;
  }

  /** The envelope of an event that was redacted before it came here (an import of one). */
  static byte[] redacted(String subject, String contentType) {
    byte[] s = subject.getBytes(StandardCharsets.UTF_8);
    byte[] c = contentType.getBytes(StandardCharsets.UTF_8);
    checkLengths(s, c);
    ByteBuffer envelope = ByteBuffer.allocate(2 + 2 + s.length + 8 + 2 + c.length + NONCE_BYTES);
    putHeader(envelope, s, 0, c, false);
    return envelope.array();
  }

  /** Reads the clear part of an envelope. */
  static Header header(byte[] envelope) {
    try {
      ByteBuffer in = ByteBuffer.wrap(envelope);
      byte version = in.get();
      if (version != VERSION) {
        throw new UnsupportedFormatException(
            "a sealed event's envelope has version " + version + "; this build reads " + VERSION);
      }
      boolean idBound = (in.get() & 1) != 0;
      String subject = text(in);
      long keyId = in.getLong();
      String contentType = text(in);
      int length = in.position();
      int sealed = envelope.length - length - NONCE_BYTES;
      if (sealed < 0
          || (keyId != 0 && sealed < TAG_BYTES + PLAIN_PREFIX)
          || (keyId == 0 && sealed != 0)) {
        throw new DataCorruptedException("a sealed event's envelope is cut short or too long");
      }
      return new Header(subject, keyId, contentType, idBound, length);
    } catch (RuntimeException e) {
      if (e instanceof DataCorruptedException || e instanceof UnsupportedFormatException) {
        throw e;
      }
      throw new DataCorruptedException("a sealed event's envelope is damaged", e);
    }
  }

  /**
   * Opens an envelope with its subject's key; a failed authentication (the bytes or their place
   * changed) is damage.
   *
   * @param streamAad {@link #streamAad} of the event's stream
   */
  static Content open(
      SubjectDataKey key, byte[] envelope, Header header, byte[] streamAad, UUID id) {
    int sealedAt = header.length() + NONCE_BYTES;
    int sealedLength = envelope.length - sealedAt;
    int plainLength = sealedLength - TAG_BYTES;
    SubjectCipher crypto = key.borrow();
    try {
      Cipher cipher = crypto.decryptor(envelope, header.length());
      cipher.updateAAD(envelope, 0, header.length());
      cipher.updateAAD(streamAad);
      if (header.idBound()) {
        cipher.updateAAD(idBytes(id));
      }
      byte[] plain = crypto.scratch(plainLength);
      int opened = cipher.doFinal(envelope, sealedAt, sealedLength, plain, 0);
      try {
        return content(plain, opened);
      } finally {
        Arrays.fill(plain, 0, opened, (byte) 0);
      }
    } catch (AEADBadTagException e) {
      throw new DataCorruptedException(
          "a sealed event failed authentication: its bytes or its place were changed", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to decrypt", e);
    } finally {
      key.release(crypto);
    }
  }

  private static Content content(byte[] plain, int length) {
    ByteBuffer in = ByteBuffer.wrap(plain, 0, length);
    boolean hasMetadata = (in.get() & 1) != 0;
    int dataLength = in.getInt();
    if (dataLength < 0 || dataLength > in.remaining()) {
      throw new DataCorruptedException("a sealed event's content has a wrong data length");
    }
    int metadataAt = PLAIN_PREFIX + dataLength;
    byte[] data = Arrays.copyOfRange(plain, PLAIN_PREFIX, metadataAt);
    byte[] metadata = hasMetadata ? Arrays.copyOfRange(plain, metadataAt, length) : null;
    return new Content(data, metadata);
  }

  private static void checkLengths(byte[] subject, byte[] contentType) {
    if (subject.length > 0xFFFF || contentType.length > 0xFFFF) {
      throw new IllegalArgumentException("subject or content type too long for an envelope");
    }
  }

  private static void putHeader(
      ByteBuffer out, byte[] subject, long keyId, byte[] contentType, boolean idBound) {
    out.put(VERSION)
        .put((byte) (idBound ? 1 : 0))
        .putShort((short) subject.length)
        .put(subject)
        .putLong(keyId)
        .putShort((short) contentType.length)
        .put(contentType);
  }

  private static byte[] idBytes(UUID id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  private static String text(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
