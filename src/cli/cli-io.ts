// What a CLI command talks to: its output streams, whether stdout is a terminal, and the working
// directory. Commands take this instead of reaching for `process`, so tests can drive them.

export interface CliWriter {
  write(text: string): unknown;
}

export interface CliIO {
  stdout: CliWriter;
  stderr: CliWriter;
  /** Colour and progress bars only when the stream is a terminal. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  cwd: string;
  /** Environment variables (NO_COLOR is honoured). */
  env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes: 0 ok (warnings allowed), 1 the input is invalid, 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Thrown by argument parsing; main prints the message and the usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
