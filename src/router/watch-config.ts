// watchConfig: reloads a router when its configuration directory changes. Changes are debounced
// (an editor's save is several events), the directory is loaded and validated as a whole, and only
// a valid configuration is swapped in; an invalid one is reported and the old one stays.
import type { FSWatcher } from 'node:fs';
import { definedOnly } from '../defined-only.js';
import { InvalidArgumentError } from '../errors.js';
import { loadConfig, type LoadConfigOptions } from '../config/load-config.js';
import type { ReloadResult, Router } from './router-api.js';

export interface WatchConfigOptions extends LoadConfigOptions {
  /** Quiet time after the last change before reloading, in ms. Default 200. */
  debounceMs?: number;
  /** Told of each reload that took effect. */
  onReload?: (result: ReloadResult) => void;
  /** Told when the changed files do not load or validate (the router keeps its configuration). Default: a warning on the console. */
  onError?: (error: unknown) => void;
}

export interface ConfigWatcher {
  /** Stops watching; a reload already running finishes. */
  close(): void;
  /** Resolves once the reload a change started has finished (for tests and scripts). */
  settled(): Promise<void>;
}

/**
 * Watches `dir` (and its `environments/`) and reloads `router` when a YAML file in it changes.
 * Resolves once watching has begun.
 */
export async function watchConfig(dir: string, router: Router, options: WatchConfigOptions = {}): Promise<ConfigWatcher> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('dir', 'expected a directory path');
  if (typeof router?.reload !== 'function') throw new InvalidArgumentError('router', 'expected a router from createRouter()');
  const debounceMs = options.debounceMs ?? 200;
  if (!(typeof debounceMs === 'number' && debounceMs >= 0 && debounceMs <= 60_000)) throw new InvalidArgumentError('debounceMs', `expected 0 to 60000 ms, got ${String(debounceMs)}`);
  const onError = options.onError ?? ((error: unknown) => console.warn('[llm-agent-router] the changed configuration was not loaded; the previous one stays', error));
  const loadOptions: LoadConfigOptions = definedOnly({ environment: options.environment, providers: options.providers });
  // Loaded here so that the main entry does not need `node:fs` in hosts that never watch (edge runtimes).
  const { watch, existsSync } = await import('node:fs');
  const { join } = await import('node:path');

  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let again = false;

  /** A host's hook: whatever it throws is logged, and watching goes on. */
  const tell = <T>(hook: ((value: T) => void) | undefined, value: T) => {
    try {
      hook?.(value);
    } catch (error) {
      console.warn('[llm-agent-router] a watchConfig hook threw; watching goes on', error);
    }
  };
  const reload = async () => {
    let result: ReloadResult;
    try {
      const loaded = await loadConfig(dir, loadOptions);
      if (closed) return;
      result = router.reload(loaded);
    } catch (error) {
      if (!closed) tell(onError, error);
      return;
    }
    // Told after the reload took effect, outside its error path: a throwing onReload is no failed reload.
    tell(options.onReload, result);
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      // One reload at a time; changes during a reload are picked up by one more.
      if (again) return;
      again = true;
      running = running
        .then(() => {
          again = false;
          return reload();
        })
        .catch(() => {});
    }, debounceMs);
    timer.unref?.();
  };
  const onEvent = (_event: string, file: string | Buffer | null) => {
    const name = file === null ? '' : String(file);
    if (name === '' || /\.ya?ml$/i.test(name)) schedule();
  };

  const watchers: FSWatcher[] = [];
  try {
    watchers.push(watch(dir, { persistent: false }, onEvent));
    // environments/ is watched when it exists as watching begins.
    const environments = join(dir, 'environments');
    if (existsSync(environments)) watchers.push(watch(environments, { persistent: false }, onEvent));
  } catch (error) {
    for (const watcher of watchers) watcher.close();
    throw new InvalidArgumentError('dir', `cannot watch ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const watcher of watchers) watcher.on('error', (error) => onError(error));

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const watcher of watchers) watcher.close();
    },
    async settled() {
      while (timer || again) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(5, debounceMs / 4)));
      }
      await running;
    },
  };
}
