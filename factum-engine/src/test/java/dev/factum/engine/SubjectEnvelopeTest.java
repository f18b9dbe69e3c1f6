package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.EventData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The envelope as its javadoc draws it, checked against a reference written here from the diagram
 * alone (one-shot JCE calls, no pooling, no in-place buffers): what the pooled, in-place sealing
 * writes the reference opens, what the reference seals the store opens, and the synthetic nonce of
 * an event with an id is exactly HMAC-SHA256(nonce key, aad | plain), so envelopes written before
 * and after the pooling are one format and a retry still seals to the same bytes.
 */
class SubjectEnvelopeTest {
  private static final byte[] KEY = new byte[32];
  private static final String STREAM = "person-1";

  static {
    new Random(17).nextBytes(KEY);
  }

  private final SubjectDataKey key = new SubjectDataKey("alice", 0x1234_5678_9abcL, KEY);

  @Test
  void whatIsSealedTheReferenceOpensAndTheSyntheticNonceIsTheHmacOfTheInput() throws Exception {
    UUID id = UUID.randomUUID();
    byte[] data = "{\"name\":\"Alice Secret\"}".getBytes(StandardCharsets.UTF_8);
    byte[] metadata = "{\"ip\":\"1.2.3.4\"}".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = seal(EventData.JSON, data, metadata, id);
    byte[] again = seal(EventData.JSON, data, metadata, id);
    assertThat(again)
        .as("a retry seals to the same bytes, twice in a row on one key")
        .isEqualTo(sealed);

    Reference reference = Reference.parse(sealed);
    assertThat(reference.subject).isEqualTo("alice");
    assertThat(reference.keyId).isEqualTo(key.id());
    assertThat(reference.contentType).isEqualTo(EventData.JSON);
    assertThat(reference.idBound).isTrue();
    byte[] plain = reference.open(KEY, STREAM, id);
    assertThat(plain).isEqualTo(Reference.plain(data, metadata));
    byte[] aad = reference.aad(STREAM, id);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Reference.nonceKey(KEY), "HmacSHA256"));
    mac.update(aad);
    assertThat(Arrays.copyOf(mac.doFinal(plain), 12)).isEqualTo(reference.nonce);

    byte[] binary = {0, 1, 2, (byte) 0xff};
    byte[] noId = seal("application/octet-stream", binary, null, null);
    Reference plainBinary = Reference.parse(noId);
    assertThat(plainBinary.idBound).isFalse();
    assertThat(plainBinary.open(KEY, STREAM, null)).isEqualTo(Reference.plain(binary, null));
  }

  @Test
  void whatTheReferenceSealsOpensAndAMovedEnvelopeFailsAuthentication() throws Exception {
    UUID id = UUID.randomUUID();
    byte[] data = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] metadata = "{\"m\":2}".getBytes(StandardCharsets.UTF_8);
    byte[] envelope = Reference.seal(KEY, "alice", key.id(), EventData.JSON, data, metadata, id);
    SubjectEnvelope.Header header = SubjectEnvelope.header(envelope);
    SubjectEnvelope.Content content =
        SubjectEnvelope.open(key, envelope, header, SubjectEnvelope.streamAad(STREAM), id);
    assertThat(content.data()).isEqualTo(data);
    assertThat(content.metadata()).isEqualTo(metadata);

    byte[] otherStream = SubjectEnvelope.streamAad("person-2");
    assertThatThrownBy(() -> SubjectEnvelope.open(key, envelope, header, otherStream, id))
        .isInstanceOf(DataCorruptedException.class);
    UUID otherId = UUID.randomUUID();
    byte[] streamAad = SubjectEnvelope.streamAad(STREAM);
    assertThatThrownBy(() -> SubjectEnvelope.open(key, envelope, header, streamAad, otherId))
        .isInstanceOf(DataCorruptedException.class);
    // the key's ciphers are still good after a failed authentication
    assertThat(SubjectEnvelope.open(key, envelope, header, streamAad, id).data()).isEqualTo(data);
  }

  @Test
  void freshNoncesNeverRepeatAndPooledCiphersServeManyThreads() throws Exception {
    int threads = 4;
    int each = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<byte[]>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  List<byte[]> sealed = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    byte[] data =
                        ("{\"t\":" + thread + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                    byte[] envelope = seal(EventData.JSON, data, null, null);
                    SubjectEnvelope.Header header = SubjectEnvelope.header(envelope);
                    byte[] back =
                        SubjectEnvelope.open(
                                key, envelope, header, SubjectEnvelope.streamAad(STREAM), null)
                            .data();
                    assertThat(back).isEqualTo(data);
                    sealed.add(envelope);
                  }
                  return sealed;
                }));
      }
      Set<ByteBuffer> nonces = new HashSet<>();
      for (Future<List<byte[]>> future : futures) {
        for (byte[] envelope : future.get()) {
          nonces.add(ByteBuffer.wrap(Reference.parse(envelope).nonce));
        }
      }
      assertThat(nonces).hasSize(threads * each);
    } finally {
      pool.shutdownNow();
    }
  }

  private byte[] seal(String contentType, byte[] data, byte[] metadata, UUID id) {
    return SubjectEnvelope.seal(
        key, contentType, data, metadata, SubjectEnvelope.streamAad(STREAM), id);
  }

  /** The envelope exactly as SubjectEnvelope's diagram draws it, nothing shared with the code. */
  private static final class Reference {
    String subject;
    long keyId;
    String contentType;
    boolean idBound;
    byte[] header;
    byte[] nonce;
    byte[] sealed;

    static Reference parse(byte[] envelope) {
      ByteBuffer in = ByteBuffer.wrap(envelope);
      Reference r = new Reference();
      assertThat(in.get()).isEqualTo((byte) 1);
      r.idBound = in.get() == 1;
      byte[] s = new byte[in.getShort()];
      in.get(s);
      r.subject = new String(s, StandardCharsets.UTF_8);
      r.keyId = in.getLong();
      byte[] c = new byte[in.getShort()];
      in.get(c);
      r.contentType = new String(c, StandardCharsets.UTF_8);
      r.header = Arrays.copyOf(envelope, in.position());
      r.nonce = new byte[12];
      in.get(r.nonce);
      r.sealed = new byte[in.remaining()];
      in.get(r.sealed);
      return r;
    }

    byte[] aad(String stream, UUID id) {
      return aad(header, stream, idBound ? id : null);
    }

    static byte[] aad(byte[] header, String stream, UUID id) {
      byte[] s = stream.getBytes(StandardCharsets.UTF_8);
      ByteBuffer aad = ByteBuffer.allocate(header.length + 2 + s.length + (id == null ? 0 : 16));
      aad.put(header).putShort((short) s.length).put(s);
      if (id != null) {
        aad.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
      }
      return aad.array();
    }

    byte[] open(byte[] key, String stream, UUID id) throws Exception {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad(stream, id));
      return cipher.doFinal(sealed);
    }

    static byte[] plain(byte[] data, byte[] metadata) {
      int m = metadata == null ? 0 : metadata.length;
      ByteBuffer plain = ByteBuffer.allocate(5 + data.length + m);
      plain.put((byte) (metadata == null ? 0 : 1)).putInt(data.length).put(data);
      if (metadata != null) {
        plain.put(metadata);
      }
      return plain.array();
    }

    static byte[] nonceKey(byte[] key) throws Exception {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal("factum.nonce".getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] seal(
        byte[] key,
        String subject,
        long keyId,
        String contentType,
        byte[] data,
        byte[] metadata,
        UUID id)
        throws Exception {
      byte[] s = subject.getBytes(StandardCharsets.UTF_8);
      byte[] c = contentType.getBytes(StandardCharsets.UTF_8);
      byte[] header =
          ByteBuffer.allocate(2 + 2 + s.length + 8 + 2 + c.length)
              .put((byte) 1)
              .put((byte) (id == null ? 0 : 1))
              .putShort((short) s.length)
              .put(s)
              .putLong(keyId)
              .putShort((short) c.length)
              .put(c)
              .array();
      byte[] nonce = new byte[12];
      new Random().nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad(header, STREAM, id));
      byte[] sealed = cipher.doFinal(plain(data, metadata));
      return ByteBuffer.allocate(header.length + 12 + sealed.length)
          .put(header)
          .put(nonce)
          .put(sealed)
          .array();
    }
  }
}
