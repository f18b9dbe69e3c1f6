package dev.factum.server;

/**
 * What a {@link Route} needs from its caller: nothing ({@code PUBLIC}: probes, metrics, the API
 * document), or a key whose {@link Role} allows reading, writing or administration.
 */
enum Permission {
  PUBLIC,
  READ,
  WRITE,
  ADMIN
}
