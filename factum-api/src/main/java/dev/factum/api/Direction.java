package dev.factum.api;

/** The direction of a read. */
public enum Direction {
  FORWARD,
  BACKWARD
}
