package dev.factum.engine;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;

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
 */
final class SubjectEnvelope {
  /** The content type a sealed event is stored with; appends and imports may not use it. */
  static final String CONTENT_TYPE = "application/vnd.factum.sealed";

  static final byte VERSION = 1;
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;

  private static final ThreadLocal<Cipher> GCM =
      ThreadLocal.withInitial(SubjectEnvelope::newCipher);
  private static final ThreadLocal<Mac> HMAC =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("the JDK offers no HmacSHA256", e);
            }
          });
  private static final ThreadLocal<SecureRandom> RANDOM =
      ThreadLocal.withInitial(SecureRandom::new);

  private SubjectEnvelope() {}

  /** What a read of an envelope finds before any key is needed. */
  record Header(String subject, long keyId, String contentType, boolean idBound, int length) {}

  /** The opened content of an envelope. */
  record Content(byte[] data, byte[] metadata) {}

  /** Seals one event's data and metadata under {@code key}. */
  static byte[] seal(
      SubjectKeys.DataKey key,
      String subject,
      String contentType,
      byte[] data,
      byte[] metadata,
      String stream,
      UUID id) {
    byte[] header = header(subject, key.id(), contentType, id != null);
    byte[] aad = aad(header, stream, id);
    int metadataLength = metadata == null ? 0 : metadata.length;
    ByteBuffer plain = ByteBuffer.allocate(5 + data.length + metadataLength);
    plain.put((byte) (metadata == null ? 0 : 1)).putInt(data.length).put(data);
    if (metadata != null) {
      plain.put(metadata);
    }
    byte[] nonce = new byte[NONCE_BYTES];
    if (id != null) {
      Mac mac = HMAC.get();
      try {
        mac.init(key.nonceKey());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot derive a nonce", e);
      }
      mac.update(aad);
      mac.update(plain.array());
      System.arraycopy(mac.doFinal(), 0, nonce, 0, NONCE_BYTES);
    } else {
      RANDOM.get().nextBytes(nonce);
    }
    byte[] out = new byte[header.length + NONCE_BYTES + plain.capacity() + TAG_BITS / 8];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(nonce, 0, out, header.length, NONCE_BYTES);
    try {
      Cipher cipher = encryptor(key, nonce);
      cipher.updateAAD(aad);
      cipher.doFinal(plain.array(), 0, plain.capacity(), out, header.length + NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to encrypt", e);
    }
    return out;
  }

  /** The envelope of an event that was redacted before it came here (an import of one). */
  static byte[] redacted(String subject, String contentType) {
    byte[] header = header(subject, 0, contentType, false);
    return Arrays.copyOf(header, header.length + NONCE_BYTES);
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
      if (sealed < 0 || (keyId != 0 && sealed < TAG_BITS / 8 + 5) || (keyId == 0 && sealed != 0)) {
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
   */
  static Content open(
      SubjectKeys.DataKey key, byte[] envelope, Header header, String stream, UUID id) {
    byte[] aad =
        aad(Arrays.copyOf(envelope, header.length()), stream, header.idBound() ? id : null);
    byte[] plain;
    try {
      Cipher cipher = GCM.get();
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.aes(),
          new GCMParameterSpec(TAG_BITS, envelope, header.length(), NONCE_BYTES));
      cipher.updateAAD(aad);
      int offset = header.length() + NONCE_BYTES;
      plain = cipher.doFinal(envelope, offset, envelope.length - offset);
    } catch (AEADBadTagException e) {
      throw new DataCorruptedException(
          "a sealed event failed authentication: its bytes or its place were changed", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to decrypt", e);
    }
    ByteBuffer in = ByteBuffer.wrap(plain);
    boolean hasMetadata = (in.get() & 1) != 0;
    int dataLength = in.getInt();
    if (dataLength < 0 || dataLength > in.remaining()) {
      throw new DataCorruptedException("a sealed event's content has a wrong data length");
    }
    byte[] data = Arrays.copyOfRange(plain, 5, 5 + dataLength);
    byte[] metadata = hasMetadata ? Arrays.copyOfRange(plain, 5 + dataLength, plain.length) : null;
    return new Content(data, metadata);
  }

  private static byte[] header(String subject, long keyId, String contentType, boolean idBound) {
    byte[] s = subject.getBytes(StandardCharsets.UTF_8);
    byte[] c = contentType.getBytes(StandardCharsets.UTF_8);
    if (s.length > 0xFFFF || c.length > 0xFFFF) {
      throw new IllegalArgumentException("subject or content type too long for an envelope");
    }
    return ByteBuffer.allocate(2 + 2 + s.length + 8 + 2 + c.length)
        .put(VERSION)
        .put((byte) (idBound ? 1 : 0))
        .putShort((short) s.length)
        .put(s)
        .putLong(keyId)
        .putShort((short) c.length)
        .put(c)
        .array();
  }

  private static byte[] aad(byte[] header, String stream, UUID id) {
    byte[] s = stream.getBytes(StandardCharsets.UTF_8);
    ByteBuffer aad = ByteBuffer.allocate(header.length + 2 + s.length + (id == null ? 0 : 16));
    aad.put(header).putShort((short) s.length).put(s);
    if (id != null) {
      aad.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }
    return aad.array();
  }

  private static String text(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * The thread's cipher set up to encrypt. The JDK refuses to encrypt twice in a row with one key
   * and nonce on one cipher object, which a synthetic nonce does on purpose for a retried event (it
   * seals to the same bytes): a fresh cipher takes that one.
   */
  private static Cipher encryptor(SubjectKeys.DataKey key, byte[] nonce)
      throws GeneralSecurityException {
    GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, nonce);
    Cipher cipher = GCM.get();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key.aes(), spec);
    } catch (InvalidAlgorithmParameterException reused) {
      cipher = newCipher();
      cipher.init(Cipher.ENCRYPT_MODE, key.aes(), spec);
      GCM.set(cipher);
    }
    return cipher;
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no AES/GCM", e);
    }
  }
}
