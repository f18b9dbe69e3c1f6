package dev.factum.storage.rocksdb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** Opens a closed store's directory with plain RocksDB, to damage or inspect it in tests. */
final class RawRocks implements AutoCloseable {
  final RocksDB db;
  private final DBOptions options;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();

  RawRocks(Path directory) throws RocksDBException {
    options = new DBOptions();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : RocksDbStorage.COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(Keys.utf8(name)));
    }
    db = RocksDB.open(options, directory.toString(), descriptors, handles);
  }

  ColumnFamilyHandle family(String name) {
    return handles.get(RocksDbStorage.COLUMN_FAMILIES.indexOf(name));
  }

  @Override
  public void close() {
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    options.close();
  }
}
