// Where a simulation's tasks come from: an array the caller holds, or a JSONL file read twice — once
// to check every line and note each task's time (a few numbers a task, in typed arrays), then again
// a few tasks at a time while the strategies replay them. Nothing holds the whole workload as objects.
import { open, type FileHandle } from 'node:fs/promises';
import { checkWorkloadTask, WorkloadError, workloadTime, type WorkloadTask } from './parse-workload.js';

/** What the first look at a workload found: enough to order it and check it, without its tasks. */
export interface WorkloadIndex {
  count: number;
  /** Each task's `at` as epoch ms, in workload order; NaN where it has none. */
  times: Float64Array;
  /** Each agent of the workload with the position (workload order) of its first task. */
  agents: Map<string, number>;
}

/** Hands out the tasks at the given positions (workload order), a few at a time. */
export interface TaskReader {
  /**
   * The tasks at `positions[from..to)`; `positions` null means the workload order itself. Asked for
   * in order: each call's `from` is the previous call's `to`, starting at 0.
   */
  read(positions: Uint32Array | null, from: number, to: number): Promise<WorkloadTask[]>;
  close(): Promise<void>;
}

/** An array of tasks the caller holds: only read. */
export function arrayReader(tasks: readonly WorkloadTask[]): TaskReader {
  return {
    read(positions, from, to) {
      const out: WorkloadTask[] = new Array(to - from);
      for (let k = from; k < to; k++) out[k - from] = tasks[positions === null ? k : positions[k]!]!;
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}

/** The index of tasks already checked (`checkWorkloadTask`). */
export function indexTasks(tasks: readonly WorkloadTask[]): WorkloadIndex {
  const times = new Float64Array(tasks.length);
  const agents = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    times[i] = workloadTime(task.at) ?? Number.NaN;
    if (!agents.has(task.agent)) agents.set(task.agent, i);
  }
  return { count: tasks.length, times, agents };
}

// ---------------------------------------------------------------------------------------------
// Files.

const READ_BYTES = 1 << 20;
/** Tasks whose lines are read at once when the file is not in time order. */
const WINDOW = 1024;

/**
 * The lines of one read of a file, as byte ranges of `buffer` (valid until the next batch is asked
 * for). Lines are decoded one at a time, as they are used, so that no batch of strings outlives it.
 */
interface LineBatch {
  buffer: Buffer;
  count: number;
  starts: Uint32Array;
  ends: Uint32Array;
  /** The 1-based number of the batch's first line. */
  firstNumber: number;
  /** The file offset of `buffer[0]`. */
  bufferOffset: number;
}

/** One line of a file: its text (a BOM on line 1 dropped), 1-based number and byte range. */
interface Line {
  text: string;
  number: number;
  offset: number;
  bytes: number;
}

function lineOf(batch: LineBatch, i: number): Line {
  const start = batch.starts[i]!;
  const end = batch.ends[i]!;
  const number = batch.firstNumber + i;
  return { text: decodeLine(batch.buffer, start, end, number), number, offset: batch.bufferOffset + start, bytes: end - start };
}

/**
 * A line's text. A `\n` byte is never part of a multi-byte UTF-8 character, so each line decodes
 * as it does in the whole text; a BOM opening the file is dropped, as `parseWorkload` drops it.
 */
function decodeLine(buffer: Buffer, start: number, end: number, number: number): string {
  const text = buffer.toString('utf8', start, end);
  return number === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The lines of a file, a megabyte at a time, numbered as `parseWorkload` numbers them (every `\n`
 * ends one). A line longer than the buffer grows it. The batch and its buffer are reused.
 */
async function* readLines(handle: FileHandle): AsyncGenerator<LineBatch> {
  const batch: LineBatch = { buffer: Buffer.allocUnsafe(READ_BYTES), count: 0, starts: new Uint32Array(4096), ends: new Uint32Array(4096), firstNumber: 1, bufferOffset: 0 };
  let filled = 0;
  let eof = false;
  while (!eof) {
    let { buffer } = batch;
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, batch.bufferOffset + filled);
    if (bytesRead === 0) eof = true;
    filled += bytesRead;
    const view = buffer.subarray(0, filled);
    let count = 0;
    let start = 0;
    for (;;) {
      let end = view.indexOf(10, start);
      if (end === -1) {
        if (!eof || start >= filled) break;
        end = filled;
      }
      if (count === batch.starts.length) {
        const starts = new Uint32Array(count * 2);
        const ends = new Uint32Array(count * 2);
        starts.set(batch.starts);
        ends.set(batch.ends);
        batch.starts = starts;
        batch.ends = ends;
      }
      batch.starts[count] = start;
      batch.ends[count] = end;
      count++;
      start = end + 1;
    }
    batch.count = count;
    if (count > 0) yield batch;
    if (eof) return;
    batch.firstNumber += count;
    // Keep the unfinished line: at the front of the buffer, or in a larger one if it fills it all.
    const rest = filled - start;
    if (start === 0 && filled === buffer.length) {
      const larger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(larger, 0, 0, filled);
      batch.buffer = buffer = larger;
    } else if (rest > 0) {
      buffer.copy(buffer, 0, start, filled);
    }
    batch.bufferOffset += start;
    filled = rest;
  }
}

function parseLine(line: Line, fileName: string, knownAgents: ReadonlySet<string> | undefined, unitMetrics?: ReadonlySet<string>): WorkloadTask {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    throw new WorkloadError(fileName, line.number, `invalid JSON: ${(error as Error).message}`);
  }
  const problem = checkWorkloadTask(value, knownAgents, unitMetrics);
  if (problem) throw new WorkloadError(fileName, line.number, problem);
  return value as WorkloadTask;
}

/** A growable typed array. */
class Column<T extends Float64Array | Uint32Array> {
  values: T;
  constructor(private readonly make: (length: number) => T) {
    this.values = make(1024);
  }
  set(index: number, value: number): void {
    if (index >= this.values.length) {
      const larger = this.make(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[index] = value;
  }
}

/** The file's index, with where each task's line is for reading it again. */
export interface FileIndex extends WorkloadIndex {
  lines: Uint32Array;
  offsets: Float64Array;
  bytes: Uint32Array;
  /** Size and modification time when it was indexed: the replay reads the same file. */
  size: number;
  mtimeMs: number;
}

/**
 * Reads the file once: every line checked (the first bad one throws `FILE:LINE: message`), each
 * task's time and line kept as numbers. Errors reading the file are Node's own (`code` ENOENT, ...).
 */
export async function indexFile(handle: FileHandle, fileName: string, knownAgents?: ReadonlySet<string>, unitMetrics?: ReadonlySet<string>): Promise<FileIndex> {
  const stat = await handle.stat();
  const times = new Column((n) => new Float64Array(n));
  const lines = new Column((n) => new Uint32Array(n));
  const offsets = new Column((n) => new Float64Array(n));
  const bytes = new Column((n) => new Uint32Array(n));
  const agents = new Map<string, number>();
  let count = 0;
  for await (const batch of readLines(handle)) {
    for (let i = 0; i < batch.count; i++) {
      const line = lineOf(batch, i);
      if (line.text.trim() === '') continue;
      const task = parseLine(line, fileName, knownAgents, unitMetrics);
      times.set(count, workloadTime(task.at) ?? Number.NaN);
      lines.set(count, line.number);
      offsets.set(count, line.offset);
      bytes.set(count, line.bytes);
      if (!agents.has(task.agent)) agents.set(task.agent, count);
      count++;
    }
  }
  return {
    count,
    times: times.values.subarray(0, count),
    agents,
    lines: lines.values.subarray(0, count),
    offsets: offsets.values.subarray(0, count),
    bytes: bytes.values.subarray(0, count),
    size: stat.size,
    mtimeMs: stat.mtimeMs,
  };
}

/** Opens a workload file for reading; Node's errors (`code` ENOENT, EISDIR, ...) as they are. */
export async function openWorkloadFile(path: string): Promise<FileHandle> {
  const handle = await open(path, 'r');
  try {
    // A directory opens on some systems; reading it is what fails (EISDIR), as readFile would.
    await handle.read(Buffer.alloc(1), 0, 1, 0);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/**
 * Reads the tasks of an indexed file again. In time order already (the usual case: a log), the
 * file is streamed from the top; otherwise each chunk's lines are read where they are. Every line is
 * checked again and must be the one indexed: a file changed meanwhile stops the run.
 */
export function fileReader(handle: FileHandle, index: FileIndex, fileName: string): TaskReader {
  const changed = (line: number) => new WorkloadError(fileName, line, 'the file changed while it was being simulated');
  // The replay uses the times indexed; a line is checked again only so that a file changed in place
  // (same size, same modification time) cannot feed the routers something that is not a task.
  const verify = (line: Line, position: number): WorkloadTask => {
    if (line.number !== index.lines[position]) throw changed(line.number);
    try {
      return parseLine(line, fileName, undefined);
    } catch {
      throw changed(line.number);
    }
  };
  let checked = false;
  const checkUnchanged = async () => {
    if (checked) return;
    checked = true;
    const stat = await handle.stat();
    if (stat.size !== index.size || stat.mtimeMs !== index.mtimeMs) throw changed(index.lines[0] ?? 1);
  };

  let stream: AsyncGenerator<LineBatch> | undefined;
  let batch: LineBatch | undefined;
  let next = 0;
  let position = 0;
  const sequential = async (count: number): Promise<WorkloadTask[]> => {
    stream ??= readLines(handle);
    const out: WorkloadTask[] = [];
    while (out.length < count) {
      if (batch === undefined || next === batch.count) {
        const read = await stream.next();
        if (read.done) throw changed(index.lines[position - 1] ?? 1);
        batch = read.value;
        next = 0;
        continue;
      }
      const line = lineOf(batch, next++);
      if (line.text.trim() === '') continue;
      out.push(verify(line, position++));
    }
    return out;
  };

  // Out of time order, the lines of the next WINDOW tasks (in replay order) are read at once, where
  // they are, into one buffer; the tasks are parsed from it as they are asked for.
  let window: { from: number; to: number; buffer: Buffer; starts: Float64Array } | undefined;
  const fill = async (positions: Uint32Array, from: number): Promise<NonNullable<typeof window>> => {
    const to = Math.min(positions.length, from + WINDOW);
    const starts = new Float64Array(to - from + 1);
    for (let k = from; k < to; k++) starts[k - from + 1] = starts[k - from]! + index.bytes[positions[k]!]!;
    const buffer = Buffer.allocUnsafe(starts[to - from]!);
    const reads: Promise<void>[] = [];
    for (let k = from; k < to; k++) {
      const p = positions[k]!;
      const length = index.bytes[p]!;
      if (length === 0) continue;
      reads.push(
        handle.read(buffer, starts[k - from]!, length, index.offsets[p]!).then(({ bytesRead }) => {
          if (bytesRead !== length) throw changed(index.lines[p]!);
        }),
      );
    }
    await Promise.all(reads);
    return { from, to, buffer, starts };
  };
  const positional = async (positions: Uint32Array, from: number, to: number): Promise<WorkloadTask[]> => {
    const out: WorkloadTask[] = new Array(to - from);
    for (let k = from; k < to; k++) {
      if (window === undefined || k < window.from || k >= window.to) window = await fill(positions, k);
      const p = positions[k]!;
      const start = window.starts[k - window.from]!;
      const number = index.lines[p]!;
      const text = decodeLine(window.buffer, start, start + index.bytes[p]!, number);
      out[k - from] = verify({ text, number, offset: index.offsets[p]!, bytes: index.bytes[p]! }, p);
    }
    return out;
  };

  return {
    async read(positions, from, to) {
      await checkUnchanged();
      return positions === null ? sequential(to - from) : positional(positions, from, to);
    },
    async close() {
      await stream?.return(undefined);
      await handle.close();
    },
  };
}
