/** The error type every user-facing failure is, and its constructors. */

export type ErrorKind = 'usage' | 'config' | 'data' | 'io' | 'internal';

export interface BenchErrorDetails {
  /** File or directory at fault. */
  file?: string;
  /** Option or field at fault. */
  field?: string;
  /** What to do about it. */
  hint?: string;
}

export class BenchError extends Error {
  override readonly name = 'BenchError';
  readonly kind: ErrorKind;
  readonly details: BenchErrorDetails;

  constructor(kind: ErrorKind, message: string, details: BenchErrorDetails = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
  }

  /** 2 for usage errors (bad flags or arguments), 1 for everything else. */
  get exitCode(): 1 | 2 {
    return this.kind === 'usage' ? 2 : 1;
  }

  /** `message` and, when there is one, a `hint:` line. */
  format(): string {
    return this.details.hint ? `${this.message}\nhint: ${this.details.hint}` : this.message;
  }
}

export const usageError = (message: string, details?: BenchErrorDetails) => new BenchError('usage', message, details);
export const configError = (message: string, details?: BenchErrorDetails) => new BenchError('config', message, details);
export const dataError = (message: string, details?: BenchErrorDetails) => new BenchError('data', message, details);

/** Keeps switches over unions exhaustive. */
export function assertUnreachable(x: never): never {
  throw new BenchError('internal', `unreachable case: ${JSON.stringify(x)}`);
}
