// Typed errors for the package manager. Every failure that reaches the CLI is a
// PkgError carrying the exit code dpkg would use, so the CLI can print a single
// clear line instead of a stack trace.

/** dpkg's exit codes: 0 ok, 1 "errors were encountered" / query found nothing, 2 fatal/usage. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_FATAL = 2;

export class PkgError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_FATAL) {
    super(message);
    this.name = 'PkgError';
    this.exitCode = exitCode;
  }
}

/** Turn any thrown value into a one-line message (no stack traces for users). */
export function describeError(e: unknown): string {
  if (e instanceof PkgError) return e.message;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
