/** Errors the command line turns into an exit code and a message, never a stack trace. */
import { KnownError } from "@meetuphype/core";
export class ConfigError extends KnownError {
  readonly code = "CONFIG_INVALID";
  readonly retriable = false;
  constructor(message: string) {
    super(message);
  }
}

export class InputError extends KnownError {
  readonly code = "INPUT_UNREADABLE";
  readonly retriable = false;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
