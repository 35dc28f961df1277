// Runs a real, throw-away `redis-server` for tests: loopback only, persistence off, killed on exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';

export const REDIS_MISSING_MESSAGE =
  'redis-server is not installed (Debian package `redis-server`; .ci/run installs it), so the Redis tests are skipped';

export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** SIGTERM and wait for the exit; SIGKILL if it has not exited after 3 s. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit, to simulate a crash. */
  kill(): Promise<void>;
  /** Start again on the same port (stopping it first if still running) and wait until it answers PING. */
  restart(): Promise<void>;
}

const START_DEADLINE_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const children = new Set<ChildProcess>();
process.on('exit', () => { // on a normal exit (see also watchdog())
  for (const child of children) child.kill('SIGKILL');
});

let available: boolean | undefined;
/** Whether `redis-server` is on PATH (checked once, synchronously). */
export function redisAvailable(): boolean {
  available ??= spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read a free port'))));
    });
  });
}

/** One PING over a raw socket; resolves true on `+PONG`, false on anything else (refused, error reply, timeout). */
export function ping(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('close', () => done(false));
  });
}

/**
 * vitest ends its fork workers with SIGTERM (then SIGKILL), which skips `process.on('exit')`.
 * This shell holds the read end of a pipe from us: when we die in any way the pipe closes and it
 * SIGKILLs the server.
 */
function watchdog(pid: number): ChildProcess {
  const dog = spawn('sh', ['-c', `read -r _; kill -9 ${pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'] });
  dog.on('error', () => {}); // without sh, only the 'exit' hook protects us
  dog.stdin?.on('error', () => {});
  return dog;
}

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

function waitExit(child: ChildProcess): Promise<void> {
  return exited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function launch(port: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', '--daemonize', 'no', '--logfile', '', ...extraArgs];
  const child = spawn('redis-server', args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const dog = child.pid === undefined ? undefined : watchdog(child.pid);
  child.once('exit', () => {
    children.delete(child);
    dog?.kill('SIGKILL'); // first, so that its `read` never sees the end of input and kills nothing
    dog?.stdin?.destroy();
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    if (await ping(port, 500)) return child;
    const gone = spawnError !== undefined || exited(child);
    if (gone || Date.now() >= deadline) {
      if (!gone) {
        child.kill('SIGKILL');
        await waitExit(child);
      }
      const why = spawnError ? spawnError.message
        : gone ? `it exited (code ${child.exitCode}, signal ${child.signalCode})`
        : `it did not answer PING within ${START_DEADLINE_MS / 1000} s`;
      throw new Error(`redis-server on 127.0.0.1:${port} did not start: ${why}.\nOutput:\n${output.trim() || '(none)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Start a fresh redis-server on a free loopback port; `undefined` when redis-server is not installed. */
export async function startRedis(options: { args?: string[] } = {}): Promise<RedisServer | undefined> {
  if (!redisAvailable()) return undefined;
  const extraArgs = options.args ?? [];
  const port = await freePort();
  let child = await launch(port, extraArgs);

  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    if (exited(child)) return;
    const exit = waitExit(child);
    child.kill(signal);
    if (signal === 'SIGKILL') return exit;
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(timer);
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => signalAndWait('SIGTERM'),
    kill: () => signalAndWait('SIGKILL'),
    async restart() {
      await signalAndWait('SIGTERM');
      child = await launch(port, extraArgs);
    },
  };
}
