package dev.factum.engine;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.EncryptionUnavailableException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.SubjectNotFoundException;
import dev.factum.api.WrongMasterKeyException;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StoreRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The data subjects' keys: one store record per subject (namespace {@value #NAMESPACE}, key the
 * subject), its random AES-256 data key encrypted under the operator's {@link MasterKey}; {@code
 * forget} deletes that record, and with it the only way to read the subject's events.
 *
 * <pre>
 *  subject key record:  ver 1 (u8) | key id (u64) | nonce (12) | AES-GCM(master, data key 32) + tag 16
 *                       aad = "factum.subjects" 0x00 subject 0x00 key id
 *  key check record:    ver 1 (u8) | nonce (12) | AES-GCM(master, "factum master key check") + tag
 *                       (namespace {@value #CHECK_NAMESPACE}, key "check")
 *  forget epoch record: namespace {@value #EPOCH_NAMESPACE}, key "epoch"; its version counts forgets
 * </pre>
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>A wrong master key is found at open, before anything is written: the key check record was
 *       sealed under the store's master key, and {@link #open} refuses to go on when it does not
 *       open (or when none was given for a store that has one).
 *   <li>A subject's key is durable before any event sealed under it is acknowledged (it is
 *       committed on its own, first); key ids are random, never 0, and never reused, so an event
 *       sealed under a forgotten key stays unreadable even after the subject gets a new key.
 *   <li>A forget is seen by every reader once it returns, also by other servers on a shared
 *       storage: the forget deletes the key record and bumps the epoch record in one commit. A
 *       reader reads the epoch (from memory on a storage only this process writes, from the storage
 *       on a shared one, once per page) before it looks a key up, and a cached key is used only
 *       when it was loaded at that epoch or later.
 *   <li>Reads do not read a record per event: keys (and key ids known to be dead, which stay dead)
 *       are cached, each cache bounded; a cached key carries its own small pool of ciphers set up
 *       for it ({@link SubjectDataKey}), so neither seals nor opens set a key up per event.
 * </ul>
 *
 * <p>Known and accepted: an append that took its subject's key just before a forget of that subject
 * commits may commit after it, and is then unreadable at once (shredded with the rest).
 */
final class SubjectKeys {
  static final String NAMESPACE = "factum.subjects";
  static final String CHECK_NAMESPACE = "factum.master-key";
  static final String EPOCH_NAMESPACE = "factum.subject-forgets";
  private static final String CHECK_KEY = "check";
  private static final String EPOCH_KEY = "epoch";
  private static final byte VERSION = 1;
  private static final int NONCE = 12;
  private static final int MAX_CACHED_KEYS = 10_000;
  private static final int MAX_DEAD_IDS = 65_536;
  private static final byte[] CHECK_PLAIN =
      "factum master key check".getBytes(StandardCharsets.US_ASCII);

  private record Cached(SubjectDataKey key, long epoch) {}

  private final Storage storage;
  private final StorageGuard guard;
  private final StoreRecords records;
  private final MasterKey master;
  private final boolean shared;
  private final ShreddingStats stats;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Boolean> deadIds = new ConcurrentHashMap<>();
  private final AtomicLong localEpoch = new AtomicLong();
  private final SecureRandom random = new SecureRandom();

  private SubjectKeys(
      Storage storage,
      StorageGuard guard,
      StoreRecords records,
      MasterKey master,
      boolean shared,
      ShreddingStats stats) {
    this.storage = storage;
    this.guard = guard;
    this.records = records;
    this.master = master;
    this.shared = shared;
    this.stats = stats;
  }

  /**
   * Checks {@code master} against the store's key check record (writing one when the store has none
   * and a key is given), counts the subjects with keys, and returns the keys. Throws {@link
   * WrongMasterKeyException} having written nothing when the key is not the store's.
   */
  static SubjectKeys open(
      Storage storage,
      StorageGuard guard,
      StoreRecords records,
      MasterKey master,
      boolean shared,
      ShreddingStats stats) {
    SubjectKeys keys = new SubjectKeys(storage, guard, records, master, shared, stats);
    keys.checkMasterKey();
    if (master != null) {
      stats.subjectsAtOpen(guard.read(() -> storage.readRecords(NAMESPACE)).size());
    }
    return keys;
  }

  boolean enabled() {
    return master != null;
  }

  private void checkMasterKey() {
    StoreRecord check = guard.read(() -> storage.readRecord(CHECK_NAMESPACE, CHECK_KEY));
    if (master == null) {
      if (check != null) {
        throw new WrongMasterKeyException(
            "this store holds data encrypted for data subjects under a master key, and none was"
                + " given (factum serve --master-key-file FILE, or FACTUM_MASTER_KEY_FILE /"
                + " FACTUM_MASTER_KEY); nothing was changed");
      }
      return;
    }
    if (check == null) {
      byte[] nonce = nonce();
      byte[] sealed = wrap(nonce, CHECK_PLAIN, checkAad());
      byte[] value =
          ByteBuffer.allocate(1 + NONCE + sealed.length)
              .put(VERSION)
              .put(nonce)
              .put(sealed)
              .array();
      try {
        StoreRecords.join(
            () ->
                records.submit(
                    List.of(RecordWrite.put(CHECK_NAMESPACE, CHECK_KEY, value, RecordWrite.ABSENT)),
                    RecordGuard.NONE));
        return;
      } catch (RecordConflictException raced) {
        check = guard.read(() -> storage.readRecord(CHECK_NAMESPACE, CHECK_KEY));
        if (check == null) {
          throw raced;
        }
      }
    }
    byte[] value = check.value();
    if (value.length < 1 + NONCE || value[0] != VERSION) {
      throw new DataCorruptedException("the master key check record is damaged");
    }
    try {
      byte[] plain =
          unwrap(
              Arrays.copyOfRange(value, 1, 1 + NONCE),
              Arrays.copyOfRange(value, 1 + NONCE, value.length),
              checkAad());
      if (!Arrays.equals(plain, CHECK_PLAIN)) {
        throw new WrongMasterKeyException("the master key check record holds something else");
      }
    } catch (AEADBadTagException wrong) {
      throw new WrongMasterKeyException(
          "the master key given is not the one this store's subject keys are encrypted under;"
              + " nothing was changed",
          wrong);
    }
  }

  /** The key to seal {@code subject}'s events with, created (durably) when it has none. */
  SubjectDataKey forWrite(String subject) {
    requireEnabled();
    long epoch = epoch();
    Cached cached = cache.get(subject);
    if (cached != null && cached.epoch() >= epoch) {
      return cached.key();
    }
    while (true) {
      StoreRecord record = guard.read(() -> storage.readRecord(NAMESPACE, subject));
      if (record != null) {
        return remember(subject, decode(subject, record), epoch);
      }
      long id = newKeyId();
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      byte[] nonce = nonce();
      byte[] sealed = wrap(nonce, bytes, keyAad(subject, id));
      byte[] value =
          ByteBuffer.allocate(1 + 8 + NONCE + sealed.length)
              .put(VERSION)
              .putLong(id)
              .put(nonce)
              .put(sealed)
              .array();
      try {
        StoreRecords.join(
            () ->
                records.submit(
                    List.of(RecordWrite.put(NAMESPACE, subject, value, RecordWrite.ABSENT)),
                    RecordGuard.NONE));
      } catch (RecordConflictException raced) {
        continue; // another appender (or server) created it first: use that one
      }
      stats.keyCreated();
      return remember(subject, new SubjectDataKey(subject, id, bytes), epoch);
    }
  }

  /**
   * The epoch a reader looks keys up at: read once per page, before any key (see the class note).
   */
  long epoch() {
    if (!shared) {
      return localEpoch.get();
    }
    StoreRecord record = guard.read(() -> storage.readRecord(EPOCH_NAMESPACE, EPOCH_KEY));
    return record == null ? 0 : record.version();
  }

  /** The key {@code keyId} of {@code subject}, or null when it is gone (the subject forgotten). */
  SubjectDataKey forRead(String subject, long keyId, long epoch) {
    if (keyId == 0 || deadIds.containsKey(keyId)) {
      return null;
    }
    Cached cached = cache.get(subject);
    if (cached != null && cached.epoch() >= epoch && cached.key().id() == keyId) {
      return cached.key();
    }
    requireEnabled();
    StoreRecord record = guard.read(() -> storage.readRecord(NAMESPACE, subject));
    SubjectDataKey current = record == null ? null : decode(subject, record);
    if (current != null) {
      remember(subject, current, epoch);
    }
    if (current == null || current.id() != keyId) {
      // The event was committed under keyId, so keyId existed before this read: gone now, for good.
      if (deadIds.size() >= MAX_DEAD_IDS) {
        evictOne(deadIds.keySet().iterator());
      }
      deadIds.put(keyId, Boolean.TRUE);
      return null;
    }
    return current;
  }

  /** Destroys {@code subject}'s key durably; see {@link dev.factum.api.EventStore#forget}. */
  void forget(String subject) {
    requireEnabled();
    while (true) {
      StoreRecord record = guard.read(() -> storage.readRecord(NAMESPACE, subject));
      if (record == null) {
        throw new SubjectNotFoundException(
            "the store holds no key for data subject '"
                + subject
                + "': it has no events, or was forgotten already");
      }
      SubjectDataKey key = decode(subject, record);
      try {
        StoreRecords.join(
            () ->
                records.submit(
                    List.of(
                        RecordWrite.delete(NAMESPACE, subject, record.version()),
                        RecordWrite.put(
                            EPOCH_NAMESPACE, EPOCH_KEY, new byte[] {1}, RecordWrite.ANY)),
                    RecordGuard.NONE));
      } catch (RecordConflictException raced) {
        continue; // changed meanwhile: look again (a racing forget makes this one not-found)
      }
      localEpoch.incrementAndGet();
      deadIds.put(key.id(), Boolean.TRUE);
      cache.remove(subject);
      stats.forgotten();
      return;
    }
  }

  int cachedKeys() {
    return cache.size();
  }

  private void requireEnabled() {
    if (master == null) {
      throw new EncryptionUnavailableException(
          "this store was opened without a master key, so it cannot encrypt or forget data"
              + " subjects (factum serve --master-key-file FILE, or StoreOptions.withMasterKey)");
    }
  }

  private SubjectDataKey remember(String subject, SubjectDataKey key, long epoch) {
    if (cache.size() >= MAX_CACHED_KEYS) {
      evictOne(cache.keySet().iterator());
    }
    cache.put(subject, new Cached(key, epoch));
    return key;
  }

  private static void evictOne(Iterator<?> keys) {
    if (keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }

  private SubjectDataKey decode(String subject, StoreRecord record) {
    byte[] value = record.value();
    if (value.length != 1 + 8 + NONCE + 32 + 16 || value[0] != VERSION) {
      throw new DataCorruptedException(
          "the key record of data subject '" + subject + "' is damaged");
    }
    long id = ByteBuffer.wrap(value, 1, 8).getLong();
    try {
      byte[] bytes =
          unwrap(
              Arrays.copyOfRange(value, 9, 9 + NONCE),
              Arrays.copyOfRange(value, 9 + NONCE, value.length),
              keyAad(subject, id));
      return new SubjectDataKey(subject, id, bytes);
    } catch (AEADBadTagException e) {
      throw new DataCorruptedException(
          "the key record of data subject '" + subject + "' failed authentication", e);
    }
  }

  private long newKeyId() {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }

  private byte[] nonce() {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    return nonce;
  }

  private byte[] wrap(byte[] nonce, byte[] plain, byte[] aad) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, master.secretKey(), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to wrap a key", e);
    }
  }

  private byte[] unwrap(byte[] nonce, byte[] sealed, byte[] aad) throws AEADBadTagException {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, master.secretKey(), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to unwrap a key", e);
    }
  }

  private static byte[] checkAad() {
    return (CHECK_NAMESPACE + "/" + CHECK_KEY).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] keyAad(String subject, long id) {
    byte[] s = (NAMESPACE + "\0" + subject + "\0").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(s.length + 8).put(s).putLong(id).array();
  }
}
