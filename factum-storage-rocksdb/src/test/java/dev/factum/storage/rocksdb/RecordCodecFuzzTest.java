package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.StreamHead;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Fuzz targets for the two record decoders: whatever bytes are stored, decoding either throws
 * {@link DataCorruptedException} or returns a value that encodes back to exactly those bytes. The
 * second half is what makes the target able to fail: a decoder that accepted a damaged checksum, a
 * wrong length, duplicate or unsorted tags, or a record of another key would hand back something
 * whose encoding differs from what was stored.
 *
 * <p>Input layout (so that saved inputs are easy to read and to write by hand): byte 0 selects
 * whether the harness repairs the checksum (and, for events, the body length) before decoding, so
 * that the fuzzer gets past the CRC into the body parser instead of being stopped by it every time;
 * then the key (8 bytes of position, or a length byte and a stream name); then the record.
 *
 * <p>Saved inputs under {@code RecordCodecFuzzTestInputs/} replay as plain tests in every build;
 * {@code docs/RELIABILITY.md} has the command that fuzzes for longer.
 */
class RecordCodecFuzzTest {

  @FuzzTest
  void eventRecord(byte[] input) {
    if (input.length < 9) {
      return;
    }
    boolean repair = (input[0] & 1) != 0;
    long position = ByteBuffer.wrap(input, 1, 8).getLong();
    byte[] record = Arrays.copyOfRange(input, 9, input.length);
    if (repair && record.length >= 9) {
      ByteBuffer.wrap(record, 5, 4).putInt(record.length - 9);
      ByteBuffer.wrap(record, 1, 4).putInt(EventRecordCodec.checksum(position, record));
    }
    RecordedEvent event;
    try {
      event = EventRecordCodec.decode(position, record);
    } catch (DataCorruptedException expected) {
      return;
    }
    assertThat(event.position()).isEqualTo(position);
    assertThat(EventRecordCodec.encode(event))
        .as("a record that decodes must be exactly the encoding of what it decodes to")
        .isEqualTo(record);
  }

  @FuzzTest
  void headRecord(byte[] input) {
    if (input.length < 2) {
      return;
    }
    boolean repair = (input[0] & 1) != 0;
    int keyLength = Math.min(Byte.toUnsignedInt(input[1]), input.length - 2);
    byte[] key = Arrays.copyOfRange(input, 2, 2 + keyLength);
    byte[] record = Arrays.copyOfRange(input, 2 + keyLength, input.length);
    if (repair && record.length == HeadRecordCodec.LENGTH) {
      CRC32C crc = new CRC32C();
      crc.update(key);
      crc.update(record, 5, HeadRecordCodec.LENGTH - 5);
      ByteBuffer.wrap(record, 1, 4).putInt((int) crc.getValue());
    }
    StreamHead head;
    try {
      head = HeadRecordCodec.decode(key, record);
    } catch (DataCorruptedException expected) {
      return;
    }
    assertThat(HeadRecordCodec.encode(key, head))
        .as("a head record that decodes must be exactly the encoding of what it decodes to")
        .isEqualTo(record);
  }
}
