// The SDKs and agent frameworks are optional peers: each is reached only through its own subpath.
// Checked on the built files, following every import from each entry (ESM and CommonJS) through
// the shared chunks, so a stray import anywhere in the core would be found.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './helpers/built-cli.js';

const DIST = join(ROOT, 'dist');

/** The packages each subpath may load; every other entry may load none of them. */
const OPTIONAL_PEERS: Record<string, RegExp> = {
  openai: /^openai(\/|$)/,
  anthropic: /^@anthropic-ai\/sdk(\/|$)/,
  'ai-sdk': /^(@ai-sdk\/|ai$|ai\/)/,
  langchain: /^(@langchain\/|langchain(\/|$))/,
  'openai-agents': /^@openai\/agents/,
  telemetry: /^@opentelemetry\//,
};
/** Dependencies only one entry loads: zod validates the admin API's bodies, and nothing else needs it. */
const ENTRY_DEPENDENCIES: Record<string, RegExp> = { admin: /^zod(\/|$)/ };
const ENTRIES = ['index', 'test', 'simulation', 'redis', 'admin', ...Object.keys(OPTIONAL_PEERS)];

/** Every bare package specifier an entry loads, following its relative imports. */
function packagesLoadedBy(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const code = readFileSync(join(DIST, file), 'utf8');
  // Statements at the start of a line (as the bundler writes them), and require() calls: never a
  // quote inside a message string.
  const statements = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\brequire\(["']([^"']+)["']\)|\bimport\(["']([^"']+)["']\)/gm;
  const specifiers = [...code.matchAll(statements)].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4]!);
  for (const specifier of specifiers) {
    if (specifier.startsWith('./')) for (const name of packagesLoadedBy(specifier.slice(2), seen)) packages.add(name);
    else packages.add(specifier);
  }
  return packages;
}

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);

describe('optional peers stay optional in the built package', () => {
  it.each(ENTRIES.flatMap((entry) => [`${entry}.js`, `${entry}.cjs`]))('%s loads no SDK or framework but its own', (file) => {
    const entry = file.replace(/\.c?js$/, '');
    const loaded = [...packagesLoadedBy(file)];
    for (const [peerEntry, pattern] of Object.entries(OPTIONAL_PEERS)) {
      if (peerEntry === entry) continue;
      expect(loaded.filter((name) => pattern.test(name)), `${file} loads a peer of llm-agent-router/${peerEntry}`).toEqual([]);
    }
    // Nothing else outside the package's own dependencies and Node's built-ins.
    const own = /^(jsep|p-retry|yaml)(\/|$)/;
    const builtin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);
    const allowed = OPTIONAL_PEERS[entry] ?? ENTRY_DEPENDENCIES[entry];
    for (const name of loaded) expect(own.test(name) || builtin(name) || allowed?.test(name), `${file} loads ${name}`).toBe(true);
  });

  it('the main entry loads with every optional peer missing', async () => {
    // A fresh Node process whose resolution of the peers fails, as on a machine without them.
    const { spawnSync } = await import('node:child_process');
    const hook = `
      const Module = require('node:module');
      const original = Module._resolveFilename;
      const peers = ${JSON.stringify(Object.values(OPTIONAL_PEERS).map((pattern) => pattern.source))}.map((s) => new RegExp(s));
      Module._resolveFilename = function (request, ...rest) {
        if (peers.some((p) => p.test(request))) throw Object.assign(new Error('Cannot find module ' + request), { code: 'MODULE_NOT_FOUND' });
        return original.call(this, request, ...rest);
      };`;
    const script = `${hook}\nconst lib = require(${JSON.stringify(join(DIST, 'index.cjs'))});\nconsole.log(typeof lib.createRouter);`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function');
  });
});
