/** Errors the command line turns into an exit code and a message, never a stack trace. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export class InputError extends Error {
  readonly code = "INPUT_UNREADABLE";
  readonly retriable = false;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "InputError";
  }
}
