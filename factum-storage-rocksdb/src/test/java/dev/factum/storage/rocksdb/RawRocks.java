package dev.factum.storage.rocksdb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** Opens a closed store's directory with plain RocksDB, to damage or inspect it in tests. */
final class RawRocks implements AutoCloseable {
  final RocksDB db;
  private final DBOptions options;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();

  private final List<String> families;

  RawRocks(Path directory) throws RocksDBException {
    this(directory, RocksDbStorage.COLUMN_FAMILIES);
  }

  private RawRocks(Path directory, List<String> families) throws RocksDBException {
    this.families = families;
    options = new DBOptions();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : families) {
      descriptors.add(new ColumnFamilyDescriptor(Keys.utf8(name)));
    }
    db = RocksDB.open(options, directory.toString(), descriptors, handles);
  }

  /** Opens a format 1 or 2 directory, which has no {@code records} column family. */
  static RawRocks formatTwo(Path directory) throws RocksDBException {
    return new RawRocks(directory, RocksDbStorage.COLUMN_FAMILIES.subList(0, 6));
  }

  /** Removes the hash chain (format 5), as a directory written before it has none. */
  void unchain() throws RocksDBException {
    try (RocksIterator it = db.newIterator(family("chain"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        db.delete(family("chain"), it.key());
      }
    }
    db.delete(family("default"), ChainRecordCodec.START_KEY);
  }

  ColumnFamilyHandle family(String name) {
    return handles.get(families.indexOf(name));
  }

  @Override
  public void close() {
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    options.close();
  }
}
