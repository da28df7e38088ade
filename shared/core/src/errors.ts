/**
 * The base of every error the project throws on purpose. Each says what failed, why and
 * what to do in its message, carries a stable `code` (for logs, metrics and tests) and says
 * whether trying again can help. A command ends with such an error's message and exit
 * code 1 (2 for configuration), without a stack trace; any other error is a bug.
 */
export abstract class KnownError extends Error {
  abstract readonly code: string;
  /** Whether the same operation, tried again later, can succeed. */
  abstract readonly retriable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export const isKnownError = (err: unknown): err is KnownError => err instanceof KnownError;
