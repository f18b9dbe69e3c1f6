package dev.factum.bench;

/** The project's performance targets, which the report compares every run against. */
public final class Targets {
  /** Durable events per second with 64 concurrent writers, one event per append. */
  public static final double APPEND_EVENTS_PER_SECOND_64_WRITERS = 100_000;

  /** 99th percentile of loading a whole 100-event stream, in microseconds. */
  public static final double STREAM_LOAD_P99_MICROS = 1_000;

  /** Events per second reading the global log from position 0. */
  public static final double CATCH_UP_EVENTS_PER_SECOND = 1_000_000;

  /** Durable events per second over HTTP: 64 connections, 10 events per append. */
  public static final double HTTP_APPEND_EVENTS_PER_SECOND = 50_000;

  /** 99th percentile of {@code GET /streams/{s}?limit=100} of a 100-event stream, in µs. */
  public static final double HTTP_STREAM_LOAD_P99_MICROS = 3_000;

  /** Events per second one Server-Sent Events client receives catching up from position 0. */
  public static final double SSE_EVENTS_PER_SECOND = 200_000;

  private Targets() {}
}
