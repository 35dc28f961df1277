// What a CLI command talks to: its output streams, whether they are terminals, the working directory
// and the environment. Commands take this instead of reaching for `process`, so tests can drive them.
// Also the two ways a command fails, each with its exit code.

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

/**
 * Exit codes. 0: done (warnings allowed). 1: what the command line names is invalid or unusable — the
 * configuration, the workload, a task file, a file or directory that cannot be read or written, a task
 * no model may serve. 2: the command line itself is wrong — an unknown command or option, a missing or
 * malformed argument, a name (`--agent`, `--strategies`) the configuration does not define.
 */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/**
 * The command line is wrong: the CLI prints the message, `details` and the command's usage line, and
 * exits 2. The message is one line, made printable when written; `details` is printed as is (each line
 * ending in a newline), so whoever formats it keeps control characters out.
 */
export class UsageError extends Error {
  readonly details: string;
  constructor(message: string, details = '') {
    super(message);
    this.name = 'UsageError';
    this.details = details;
  }
}

/** What the command line names is invalid or unusable: the CLI prints the message and `details`, and exits 1. */
export class CommandFailure extends Error {
  /** Printed after the message line, as is (each line ending in a newline): see `UsageError`. */
  readonly details: string;
  constructor(message: string, details = '') {
    super(message);
    this.name = 'CommandFailure';
    this.details = details;
  }
}
