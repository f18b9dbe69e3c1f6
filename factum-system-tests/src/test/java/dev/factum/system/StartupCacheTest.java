package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link StartupCache}: the cache it trains is one the JVM really maps (a server started with
 * the cache made mandatory serves), and a training that cannot succeed gives a plain start.
 */
class StartupCacheTest {
  @TempDir Path temp;

  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void aServerRequiredToMapTheTrainedCacheServes() throws Exception {
    Path jar = Path.of(System.getProperty("factum.jar"));
    // The test JVM's own cache when it is on (trained once for every test of the module).
    List<String> options =
        StartupCache.enabled()
            ? StartupCache.options(JAVA, ServerProcess.JVM_OPTIONS, jar)
            : StartupCache.trainOrNothing(
                JAVA, ServerProcess.JVM_OPTIONS, jar, temp.resolve("cache"));
    assertThat(options).as("training on the real jar must give a cache").hasSize(1);
    List<String> command = new ArrayList<>(List.of(JAVA));
    command.addAll(ServerProcess.JVM_OPTIONS);
    command.addAll(options);
    // Without the cache mapped, these options make the JVM refuse to start.
    command.add(StartupCache.aot() ? "-XX:AOTMode=on" : "-Xshare:on");
    Path data = Files.createDirectories(temp.resolve("data"));
    command.addAll(
        List.of("-jar", jar.toString(), "serve", "--data", data.toString(), "--port", "0"));
    try (ServerProcess server = ServerProcess.launch(command, temp.resolve("server.log"))) {
      ServerProcess.Reply appended =
          server.post(
              "/streams/cached-1",
              "{\"expectedRevision\":\"no_stream\",\"events\":[{\"type\":\"A\",\"data\":{}}]}");
      assertThat(appended.status()).as(appended.body()).isEqualTo(200);
      assertThat(server.readPages("/streams/cached-1")).hasSize(1);
      assertThat(server.stop()).isZero();
    }
  }

  @Test
  void aTrainingThatFailsGivesAPlainStart() throws Exception {
    Path notAJar = Files.writeString(temp.resolve("not-a.jar"), "not a jar");
    assertThat(
            StartupCache.trainOrNothing(
                JAVA, ServerProcess.JVM_OPTIONS, notAJar, temp.resolve("cache")))
        .isEmpty();
  }
}
