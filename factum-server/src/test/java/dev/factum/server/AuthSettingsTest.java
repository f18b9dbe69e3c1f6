package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Auth is off only on loopback without the flag; every other address turns it on. */
class AuthSettingsTest {
  @Test
  void openOnlyOnLoopbackWithoutTheFlag() {
    AuthSettings open = AuthSettings.OPEN_ON_LOOPBACK;
    assertThat(open.enabledFor("127.0.0.1")).isFalse();
    assertThat(open.enabledFor("localhost")).isFalse();
    assertThat(open.enabledFor("::1")).isFalse();
    assertThat(open.enabledFor("0.0.0.0")).isTrue();
    assertThat(open.enabledFor("::")).isTrue();
    assertThat(open.enabledFor("192.0.2.10")).isTrue();
    assertThat(open.enabledFor("no-such-host.invalid")).isTrue();
    assertThat(AuthSettings.on(Path.of("k")).enabledFor("127.0.0.1")).isTrue();
    assertThat(ServerConfig.DEFAULT.authEnabled()).isFalse();
    assertThat(ServerConfig.DEFAULT.withHost("0.0.0.0").authEnabled()).isTrue();
  }
}
