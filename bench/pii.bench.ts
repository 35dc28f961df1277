// How long the default PII detector takes on a realistic 4 KB prompt, the size of a typical agent
// request. A prompt without PII is the worst case (every pattern scans all of it). Two references
// run on the same string, so the figures can be compared across machines: a precompiled `/@/`
// test (a vectorised search for one character, the floor for any scan) and one plain JavaScript
// loop over the string's character codes (what any hand-written scanner pays at least).
//
// A second table times `detect` on a megabyte of adversarial text: full-width forms, ligatures,
// fractions, decomposed accents, half-width kana and Hangul compatibility jamo, every one of which
// NFKC changes, between spaces, so the map back has a span or a piece per character or two.
//
//   npm run build && npx tsx --tsconfig bench/tsconfig.json bench/pii.bench.ts
//
// With `--legacy`, every row also runs the regex-based detector the scan replaced (the frozen copy
// the tests use as an oracle, test/privacy/legacy), in the same process, for before/after ratios.
// Both then come from source, so run it with the root tsconfig, which maps the package to src/:
//
//   npx tsx --tsconfig tsconfig.json bench/pii.bench.ts --legacy

import { Bench } from 'tinybench';

import { defaultPiiDetector, type PiiDetector } from 'llm-agent-router';
import { isMain, medianNs } from './bench-main.js';

const PROMPT_SIZE = 4096;

// Prose and code of the kind agents send, with the numbers that must not be mistaken for PII:
// dates, years, versions, order ids, ports, durations, a UUID and a commit hash.
const PARAGRAPHS = [
  'You are the backend agent for the checkout service. Review the pull request below and list every ' +
    'change that could break the public API, then propose a migration plan for the 2025-03-14 release.',
  'Context: the service runs Node 20.16 on Kubernetes 1.29 with 12 replicas behind an ingress on port ' +
    '8443. p95 latency rose from 180 ms to 240 ms after v3.7.2; the incident ticket is OPS-4821 and the ' +
    'related order batch is 948213 (about 3,500 orders between 09:00 and 11:30 UTC).',
  'The diff touches src/payments/refund.ts, src/payments/ledger.ts and the migration ' +
    '20250301_add_refund_reason.sql. Commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b renamed ' +
    '`settleRefund` to `settle_refund` and changed its return type from Promise<void> to ' +
    'Promise<RefundResult>. Request id 3f2b8c1e-7d4a-4e6b-9a0c-5b1d2e3f4a5b failed with status 409.',
  '```ts\nexport async function settleRefund(id: string, amountCents: number): Promise<RefundResult> {\n' +
    '  const row = await db.refunds.findUnique({ where: { id } });\n' +
    '  if (!row || row.amountCents < amountCents) throw new RefundError("REFUND_TOO_LARGE", 422);\n' +
    '  return { id, settledAt: new Date(), retries: 0, batch: 17 };\n}\n```',
  'Constraints: keep the change backwards compatible for two minor versions, do not add new ' +
    'dependencies, keep the bundle under 250 KB, and make sure the retry policy (3 attempts, base ' +
    'delay 200 ms, factor 2, jitter 0.1) still applies to 429 and 503 responses.',
  'Answer with: 1) a summary in at most 5 bullet points; 2) the breaking changes, each with file and ' +
    'line; 3) a test plan covering refunds of 0.01, 99.99 and 10000.00 EUR; 4) the rollout steps for ' +
    'the 4 regions (eu-west-1, us-east-1, ap-south-1, sa-east-1) over 48 hours.',
];

function realisticPrompt(): string {
  let text = '';
  for (let i = 0; text.length < PROMPT_SIZE; i++) text += `${PARAGRAPHS[i % PARAGRAPHS.length]!}\n\n`;
  return text.slice(0, PROMPT_SIZE);
}

export const promptWithoutPii = realisticPrompt();

// The same kind of request written in Japanese, with the full-width letters, digits and brackets
// its input methods type: such text is scanned in its NFKC form, which `detect` maps back.
const JAPANESE_PARAGRAPH =
  'チェックアウトサービスのバックエンドエージェントです。以下のプルリクエストを確認し、公開ＡＰＩを壊す可能性の' +
  'ある変更（ファイルと行）をすべて挙げてください。リリースは２０２５年３月１４日、ｐ９５レイテンシはｖ３．７．２の' +
  '後に１８０ｍｓから２４０ｍｓに上昇しました。注文バッチ９４８２１３（約３，５００件）を参照。\n\n';

function japanesePrompt(): string {
  let text = '';
  while (text.length < PROMPT_SIZE) text += JAPANESE_PARAGRAPH;
  return text.slice(0, PROMPT_SIZE);
}

export const fullWidthPromptWithoutPii = japanesePrompt();
const contact = ' Reply to jane.doe@example.com.';
export const promptWithEmailNearEnd =
  promptWithoutPii.slice(0, PROMPT_SIZE - contact.length - 40) + contact + promptWithoutPii.slice(-40);

const ADVERSARIAL_UNIT = 'ﬁﬃ½㈱ ｊ＠ｅｘ．ｃｏ ４１１１ １１１１ ＤＥ８９ ３７０４ e\u0301 ｶﾞ ㄱㅏ ';
export const adversarialMegabyte = ADVERSARIAL_UNIT.repeat(Math.ceil(1e6 / ADVERSARIAL_UNIT.length)).slice(0, 1e6);

export async function runPiiBench(detector: PiiDetector = defaultPiiDetector, label = ''): Promise<{ name: string; medianNs: number }[]> {
  const containsPii = (text: string): boolean => detector.containsPii?.(text) ?? detector.detect(text).length > 0;
  if (containsPii(promptWithoutPii)) throw new Error('The PII-free prompt was flagged; fix the fixture.');
  if (!containsPii(promptWithEmailNearEnd)) throw new Error('The e-mail near the end was missed.');
  if (containsPii(fullWidthPromptWithoutPii)) throw new Error('The full-width prompt was flagged; fix the fixture.');

  const baseline = /@/;
  let sink = 0; // keeps the results observable so nothing is optimised away
  const bench = new Bench({ name: `PII detection on a 4 KB prompt${label}`, time: 500, warmupTime: 200 });
  bench
    .add('baseline: /@/.test, 4 KB', () => {
      if (baseline.test(promptWithoutPii)) sink++;
    })
    .add('reference: one charCodeAt loop, 4 KB', () => {
      let digits = 0;
      for (let i = 0; i < promptWithoutPii.length; i++) {
        const code = promptWithoutPii.charCodeAt(i);
        if (code >= 48 && code <= 57) digits++;
      }
      sink += digits;
    })
    .add('containsPii, 4 KB, no PII', () => {
      if (containsPii(promptWithoutPii)) sink++;
    })
    .add('containsPii, 4 KB, e-mail near the end', () => {
      if (containsPii(promptWithEmailNearEnd)) sink++;
    })
    .add('detect, 4 KB, no PII', () => {
      sink += detector.detect(promptWithoutPii).length;
    })
    .add('containsPii, 4 KB Japanese with full-width characters, no PII', () => {
      if (containsPii(fullWidthPromptWithoutPii)) sink++;
    })
    .add('detect, 4 KB Japanese with full-width characters, no PII', () => {
      sink += detector.detect(fullWidthPromptWithoutPii).length;
    });
  await bench.run();
  if (sink < 0) console.log(sink);

  return bench.tasks.map((task) => ({ name: task.name + label, medianNs: medianNs(task) }));
}

/** `detect` on the adversarial megabyte: tens of milliseconds a call, so a few samples. */
export async function runAdversarialBench(detector: PiiDetector = defaultPiiDetector, label = ''): Promise<{ name: string; medianNs: number }[]> {
  let sink = 0;
  const bench = new Bench({ name: 'PII detection on 1 MB of adversarial text', time: 2000, warmupTime: 500, iterations: 5 });
  bench.add('detect, 1 MB of full-width forms, ligatures and decomposed accents', () => {
    sink += detector.detect(adversarialMegabyte).length;
  });
  await bench.run();
  if (sink < 0) console.log(sink);
  return bench.tasks.map((task) => ({ name: task.name + label, medianNs: medianNs(task) }));
}

async function main(): Promise<void> {
  const legacy = process.argv.includes('--legacy')
    ? // The oracle of the tests: imported from source, only for this comparison.
      ((await import('../test/privacy/legacy/pii-detector.js')) as { defaultPiiDetector: PiiDetector }).defaultPiiDetector
    : undefined;
  const results = await runPiiBench();
  const before = legacy ? await runPiiBench(legacy, ' [legacy]') : [];
  const baseline = results[0]?.medianNs ?? Number.NaN;
  console.log(`PII detection, ${PROMPT_SIZE}-char prompt (median of tinybench samples)`);
  console.table(
    results.map(({ name, medianNs }, i) => ({
      task: name,
      'median (µs)': (medianNs / 1000).toFixed(2),
      'x baseline': (medianNs / baseline).toFixed(1),
      ...(legacy ? { 'legacy (µs)': (before[i]!.medianNs / 1000).toFixed(2), 'legacy / now': (before[i]!.medianNs / medianNs).toFixed(2) } : {}),
    })),
  );
  const adversarial = await runAdversarialBench();
  const adversarialBefore = legacy ? await runAdversarialBench(legacy, ' [legacy]') : [];
  console.table(
    adversarial.map(({ name, medianNs }, i) => ({
      task: name,
      'median (ms)': (medianNs / 1e6).toFixed(1),
      ...(legacy ? { 'legacy (ms)': (adversarialBefore[i]!.medianNs / 1e6).toFixed(1), 'legacy / now': (adversarialBefore[i]!.medianNs / medianNs).toFixed(2) } : {}),
    })),
  );
}

if (isMain(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
