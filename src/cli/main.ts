#!/usr/bin/env node
// The `llm-agent-router` command: wires the real process to runCli.
import { printable } from './format.js';
import { runCli } from './run-cli.js';

// A reader that goes away (`llm-agent-router validate ./config | head -1`) is not a failure of
// ours; without a listener Node would print the EPIPE as an uncaught error with its stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === process.stdout) process.stderr.write(`llm-agent-router: error: cannot write the output: ${error.message}\n`);
    process.exit(1);
  });
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli reports its own failures; this is the last resort, still one line.
    process.stderr.write(`llm-agent-router: error: ${printable(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  },
);
