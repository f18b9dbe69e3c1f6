package dev.factum.client;

import dev.factum.api.FactumException;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.OverloadedException;
import dev.factum.api.RateLimitedException;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.WrongExpectedRevisionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Runs a remote call under a {@link RetryPolicy}, asynchronously.
 *
 * <p>Design note: which failures may be retried is the whole safety argument, so it lives here and
 * nowhere else.
 *
 * <ul>
 *   <li>{@link RequestNotSentException}, {@link OverloadedException} and {@link
 *       RateLimitedException}: nothing was applied, so any call may be retried.
 *   <li>{@link OutcomeUnknownException}, and {@link StorageFailureException} (the server's storage
 *       failed with the outcome unknown; with PostgreSQL, usually a passing database outage): only
 *       an <em>idempotent</em> call (a read, or an append whose events all carry ids, which the
 *       client guarantees) may be retried; a delete may not.
 *   <li>Everything else is an answer (a conflict, bad input, a closed or failed store) and is
 *       returned at once; in particular no 4xx and no {@code store-closed} is ever retried.
 * </ul>
 *
 * What must stay true: once an attempt may have been applied, the caller is never told "nothing
 * happened". If a later attempt fails with a failure that only speaks for itself (not sent,
 * overloaded, store closed...), the call fails with {@link OutcomeUnknownException}. A verdict of
 * the store on the retry (conflict, idempotency conflict, deleted, bad input) stands: the store
 * checks for an exact retry before anything else, so such a verdict means the first attempt was not
 * committed either.
 */
final class Retrier {
  /**
   * Where attempts after the first run: each on a new virtual thread, since an attempt blocks in
   * its own socket I/O ({@link HttpTransport}).
   */
  static final Executor VIRTUAL = task -> Thread.ofVirtual().name("factum-client-call").start(task);

  private final RetryPolicy policy;
  private final RetryListener listener;
  private final RandomGenerator random;

  Retrier(RetryPolicy policy, RetryListener listener, RandomGenerator random) {
    this.policy = policy;
    this.listener = listener;
    this.random = random;
  }

  RetryPolicy policy() {
    return policy;
  }

  /** Whether {@code failure} may be retried, for a call that is or is not idempotent. */
  static boolean retryable(Throwable failure, boolean idempotent) {
    return failure instanceof RequestNotSentException
        || failure instanceof OverloadedException
        || failure instanceof RateLimitedException
        || (idempotent
            && (failure instanceof OutcomeUnknownException
                || failure instanceof StorageFailureException));
  }

  /** The pause the server asked for with {@code Retry-After}, or null. */
  static Duration retryAfter(Throwable failure) {
    return ServerProblemException.of(failure)
        .flatMap(ServerProblemException::retryAfter)
        .orElse(null);
  }

  /** Strips the wrappers futures add, down to the failure an attempt really had. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Runs {@code attempt} until it succeeds, fails for good, or the policy runs out. */
  <T> CompletableFuture<T> run(
      String operation, boolean idempotent, Supplier<CompletableFuture<T>> attempt) {
    CompletableFuture<T> result = new CompletableFuture<>();
    new Call<>(operation, idempotent, attempt, result).next();
    return result;
  }

  /** One call's attempts so far. */
  private final class Call<T> {
    private final String operation;
    private final boolean idempotent;
    private final Supplier<CompletableFuture<T>> attempt;
    private final CompletableFuture<T> result;
    private final List<Throwable> failures = new ArrayList<>();
    private int attempts;
    private boolean mayHaveBeenApplied;

    Call(
        String operation,
        boolean idempotent,
        Supplier<CompletableFuture<T>> attempt,
        CompletableFuture<T> result) {
      this.operation = operation;
      this.idempotent = idempotent;
      this.attempt = attempt;
      this.result = result;
    }

    void next() {
      attempts++;
      CompletableFuture<T> future;
      try {
        future = attempt.get();
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      // The callback only completes result, which the caller holds; nothing to observe here.
      var unused =
          future.whenComplete(
              (value, error) -> {
                if (error == null) {
                  result.complete(value);
                } else {
                  failed(unwrap(error));
                }
              });
    }

    private void failed(Throwable failure) {
      if (retryable(failure, idempotent) && attempts < policy.maxAttempts()) {
        failures.add(failure);
        mayHaveBeenApplied |=
            failure instanceof FactumClientException client && client.mayHaveBeenApplied();
        Duration pause = policy.backoff(attempts, retryAfter(failure), random);
        try {
          listener.onRetry(operation, attempts, (FactumException) failure, pause);
        } catch (RuntimeException ignored) {
          // a listener must not change what the client does
        }
        CompletableFuture.delayedExecutor(pause.toNanos(), TimeUnit.NANOSECONDS, VIRTUAL)
            .execute(this::next);
        return;
      }
      result.completeExceptionally(finalFailure(failure));
    }

    private Throwable finalFailure(Throwable last) {
      Throwable outcome = last;
      if (mayHaveBeenApplied && !isVerdictOnRetry(last) && !isOutcomeUnknown(last)) {
        outcome =
            new OutcomeUnknownException(
                operation
                    + ": an earlier attempt may have been applied and attempt "
                    + attempts
                    + " failed: "
                    + last.getMessage(),
                last);
      }
      for (Throwable earlier : failures) {
        if (earlier != outcome) {
          outcome.addSuppressed(earlier);
        }
      }
      return outcome;
    }
  }

  private static boolean isOutcomeUnknown(Throwable failure) {
    return failure instanceof FactumClientException client && client.mayHaveBeenApplied();
  }

  /** Answers the store gives only after ruling out an exact retry of a committed append. */
  private static boolean isVerdictOnRetry(Throwable failure) {
    return failure instanceof WrongExpectedRevisionException
        || failure instanceof IdempotencyConflictException
        || failure instanceof StreamDeletedException
        || failure instanceof StreamNotFoundException
        || failure instanceof InvalidArgumentException
        || failure instanceof LimitExceededException;
  }
}
