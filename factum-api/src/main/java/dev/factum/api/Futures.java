package dev.factum.api;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Waits for a store future and rethrows its {@link FactumException} as it was thrown. */
final class Futures {
  private Futures() {}

  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FactumException(
          ErrorCode.STORAGE_FAILURE, "interrupted while waiting; the outcome is unknown", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof FactumException f) {
        throw f;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new FactumException(ErrorCode.STORAGE_FAILURE, String.valueOf(cause), cause);
    } catch (CancellationException e) {
      throw new FactumException(ErrorCode.STORE_CLOSED, "the request was cancelled", e);
    }
  }
}
