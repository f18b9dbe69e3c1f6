package dev.factum.api;

import java.io.Serial;

/**
 * The master key given at start-up is not the one the store's subject keys are encrypted under (or
 * none was given for a store that has some): the store refused to open and changed nothing.
 */
public final class WrongMasterKeyException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public WrongMasterKeyException(String message) {
    super(ErrorCode.WRONG_MASTER_KEY, message);
  }

  public WrongMasterKeyException(String message, Throwable cause) {
    super(ErrorCode.WRONG_MASTER_KEY, message, cause);
  }
}
