package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.engine.FactumStore;
import dev.factum.engine.TenantStorage;
import dev.factum.tck.StoreFixture;
import dev.factum.tck.TenantStorageTck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RocksDbTenantStorageTest extends TenantStorageTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }

  @Override
  protected TenantStorage tenantStorage() {
    return RocksDbEventStore.tenants(((RocksDbFixture) fixture).directory());
  }

  @Test
  void aLocationIsADirectoryUnderTenantsThatDeleteRemoves() throws Exception {
    Path directory = ((RocksDbFixture) fixture).directory().resolve("tenants").resolve("acme-1");
    TenantStorage tenants = tenantStorage();
    try (FactumStore acme = tenants.create("acme-1")) {
      assertThat(acme.headPosition()).isEqualTo(-1);
      assertThat(directory.resolve(DirectoryLock.FILE)).exists();
    }
    tenants.delete("acme-1");
    assertThat(directory).doesNotExist();
  }
}
