// Generates examples/workloads/day.jsonl: one realistic working day of requests from the seed's four
// agents, for `llm-agent-router simulate`. Deterministic — a seeded generator written here, no
// dependencies — so running it again rewrites the same file byte for byte:
//
//   npx tsx examples/workloads/generate-workload.ts [--seed N] [--tasks N] [--out FILE]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const DAY = '2026-03-10'; // a Tuesday

/** A small, fast 32-bit generator: a Weyl sequence scrambled by a multiply–xorshift finaliser. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /** A key of `weights`, drawn in proportion to its weight. */
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K => {
      const entries = Object.entries(weights) as [K, number][];
      let roll = next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, w] of entries) {
        roll -= w;
        if (roll < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    /** A token count between lo and hi, skewed towards the middle on a log scale (sizes vary by orders of magnitude). */
    tokens: (lo: number, hi: number) => Math.round(lo * (hi / lo) ** ((next() + next()) / 2) / 10) * 10,
  };
}
type Random = ReturnType<typeof createRandom>;

// ---------------------------------------------------------------------------------------------
// When work happens: a working day peaking mid-morning and mid-afternoon, a lunch dip, a quiet
// night — except QA's nightly regression batch around 02:00.

const HOURLY_LOAD = [0.2, 0.15, 1.6, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 7, 8.5, 8, 4.5, 6, 8, 8.5, 7, 5, 2.5, 1.5, 1.2, 1, 0.6, 0.35];
const NIGHTLY_BATCH_HOUR = 2;

type AgentId = 'cto_agent' | 'backend_agent' | 'frontend_agent' | 'qa_agent';
const AGENT_SHARE: Record<AgentId, number> = { cto_agent: 0.14, backend_agent: 0.36, frontend_agent: 0.25, qa_agent: 0.25 };

// ---------------------------------------------------------------------------------------------
// What the work is about.

const SERVICES = ['orders', 'payments', 'invoicing', 'auth', 'notifications', 'inventory', 'search', 'shipping', 'catalog', 'billing'];
const SENSITIVE_SERVICES = new Set(['payments', 'auth', 'billing', 'invoicing']);
const ENDPOINTS = ['POST /orders', 'GET /orders/{id}', 'PATCH /invoices/{id}', 'POST /payments/refunds', 'GET /products?query=', 'POST /auth/token', 'DELETE /carts/{id}/items/{sku}', 'GET /shipments/{id}/tracking'];
const COMPONENTS = ['CheckoutForm', 'OrderHistoryTable', 'ProductCard', 'SettingsPage', 'InvoicePreview', 'SearchBar', 'NotificationCenter', 'DateRangePicker', 'OnboardingWizard', 'PricingTable'];
const LIBRARIES = ['Postgres', 'Redis', 'Kafka', 'S3', 'Elasticsearch', 'gRPC'];
const PATTERNS = ['event sourcing', 'CQRS', 'a saga with compensating steps', 'an outbox table', 'a read-through cache', 'a modular monolith'];
const BUGS = [
  'returns 500 when the cart is empty',
  'double-charges on a retried request',
  'loses the last page of results when the cursor is at the boundary',
  'times out under load because of an N+1 query',
  'sends the confirmation e-mail twice',
  'rounds tax the wrong way for amounts ending in 5',
  'deadlocks when two workers claim the same job',
  'leaks a database connection on validation errors',
];
const UI_BUGS = [
  'overflows on narrow screens',
  'loses focus after submitting',
  'flickers when the data reloads',
  'is not announced by screen readers',
  'shows a stale total after removing an item',
  'renders dates in the wrong time zone',
];
const FIRST_NAMES = ['Ana', 'Bilal', 'Chen', 'Dana', 'Emeka', 'Freya', 'Goran', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya'];
const LAST_NAMES = ['Silva', 'Khan', 'Wei', 'Levi', 'Okafor', 'Nielsen', 'Petrov', 'Sato', 'Horvat', 'Meyer', 'Mensah', 'Fischer', 'Rossi', 'Berg', 'Haddad', 'Iyer'];
const MAIL_DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'customer.example.io'];

/** A card number that passes the Luhn check (test ranges only: 4… Visa-like, 5… Mastercard-like). */
function cardNumber(random: Random): string {
  const digits = [random.chance(0.6) ? 4 : 5];
  while (digits.length < 15) digits.push(random.int(0, 9));
  let sum = 0;
  // Walking right to left over the 15 digits, the check digit's neighbour is doubled first.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits[i]!;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  digits.push((10 - (sum % 10)) % 10);
  return digits.join('').replace(/(\d{4})(?=\d)/g, '$1 ');
}

function personalData(random: Random): string {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  switch (random.weighted({ email: 5, phone: 3, card: 2 })) {
    case 'email':
      return `Reported by ${first} ${last} <${first.toLowerCase()}.${last.toLowerCase()}@${random.pick(MAIL_DOMAINS)}>; reply to them when it is done.`;
    case 'phone':
      return `Escalated by ${first} ${last}, who asked for a call back on +44 20 7946 ${String(random.int(0, 9999)).padStart(4, '0')}.`;
    default:
      return `Customer record to reproduce with: ${first} ${last}, card ${cardNumber(random)}.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Tasks per agent: type, complexity, flags, prompt and token sizes.

interface GeneratedTask {
  type: string;
  complexity: number;
  privacy_level: 'low' | 'medium' | 'high';
  critical: boolean;
  involves_ui_design?: true;
  requires_reasoning?: true;
  prompt: string;
  input: [number, number];
  output: [number, number];
}

const clamp = (n: number) => Math.max(0, Math.min(10, n));

function privacyFor(random: Random, service?: string): GeneratedTask['privacy_level'] {
  const sensitive = service !== undefined && SENSITIVE_SERVICES.has(service);
  return random.weighted(sensitive ? { low: 45, medium: 38, high: 17 } : { low: 75, medium: 19, high: 6 });
}

function ctoTask(random: Random): GeneratedTask {
  const kind = random.weighted({ design: 35, review: 28, planning: 17, incident: 10, documentation: 10 });
  const service = random.pick(SERVICES);
  switch (kind) {
    case 'design': {
      const complexity = random.int(6, 10);
      return {
        type: 'design',
        complexity,
        privacy_level: privacyFor(random, service),
        critical: complexity >= 9 && random.chance(0.35),
        requires_reasoning: true,
        prompt: `Propose an architecture for the ${service} service to reach ${random.pick(['2k', '10k', '50k'])} requests per second. Compare ${random.pick(PATTERNS)} with ${random.pick(PATTERNS)}, state the trade-offs for ${random.pick(LIBRARIES)}, and list the migration steps.`,
        input: [1500, 6000],
        output: [900, 2800],
      };
    }
    case 'review':
      return {
        type: 'review',
        complexity: random.int(4, 9),
        privacy_level: privacyFor(random, service),
        critical: random.chance(0.1),
        prompt: `Review the design document for splitting ${service} out of the monolith. Flag risks in the data ownership, the rollout plan and the ${random.pick(LIBRARIES)} dependency.`,
        input: [2500, 9000],
        output: [400, 1400],
      };
    case 'planning':
      return {
        type: 'planning',
        complexity: random.int(3, 8),
        privacy_level: random.weighted({ low: 60, medium: 25, high: 15 }),
        critical: false,
        requires_reasoning: true,
        prompt: `Draft next quarter's technical roadmap for the ${service} team: pay down ${random.pick(['flaky tests', 'slow deploys', 'schema drift', 'alert fatigue'])}, and estimate each item in engineer-weeks.`,
        input: [800, 3000],
        output: [600, 1800],
      };
    case 'incident':
      return {
        type: 'incident_analysis',
        complexity: random.int(6, 10),
        privacy_level: privacyFor(random, service),
        critical: random.chance(0.5),
        requires_reasoning: true,
        prompt: `Write the post-incident analysis: ${service} ${random.pick(BUGS)} for 40 minutes this morning. Find the root cause in the attached timeline and propose three safeguards.`,
        input: [3000, 10000],
        output: [700, 2000],
      };
    default:
      return {
        type: 'documentation',
        complexity: random.int(2, 6),
        privacy_level: 'low',
        critical: false,
        prompt: `Write an architecture decision record for adopting ${random.pick(PATTERNS)} in ${service}, with context, decision and consequences.`,
        input: [600, 2500],
        output: [500, 1500],
      };
  }
}

function backendTask(random: Random): GeneratedTask {
  const kind = random.weighted({ code_generation: 40, bug_fix: 25, review: 14, refactoring: 11, test_generation: 10 });
  const service = random.pick(SERVICES);
  const privacy_level = privacyFor(random, service);
  const base = (complexity: number) => ({ complexity: clamp(complexity), privacy_level });
  switch (kind) {
    case 'code_generation':
      return {
        type: 'code_generation',
        ...base(random.int(2, 8)),
        critical: SENSITIVE_SERVICES.has(service) && random.chance(0.08),
        prompt: `Implement ${random.pick(ENDPOINTS)} in the ${service} service: validate the input, use ${random.pick(LIBRARIES)} for persistence, return RFC 7807 errors, and add structured logging.`,
        input: [1200, 6000],
        output: [600, 2500],
      };
    case 'bug_fix':
      return {
        type: 'bug_fix',
        ...base(random.int(3, 9)),
        critical: SENSITIVE_SERVICES.has(service) ? random.chance(0.3) : random.chance(0.08),
        prompt: `Fix the bug in ${service}: it ${random.pick(BUGS)}. The stack trace and the failing test are attached; keep the fix minimal and explain the cause.`,
        input: [1500, 7000],
        output: [300, 1500],
      };
    case 'review':
      return {
        type: 'review',
        ...base(random.int(3, 8)),
        critical: false,
        prompt: `Review this pull request to ${service}: ${random.int(3, 24)} files changed around ${random.pick(ENDPOINTS)}. Point out correctness, concurrency and security issues.`,
        input: [2000, 9000],
        output: [300, 1200],
      };
    case 'refactoring':
      return {
        type: 'refactoring',
        ...base(random.int(4, 8)),
        critical: false,
        prompt: `Refactor the ${service} repository layer to remove the duplicated ${random.pick(LIBRARIES)} access code, without changing behaviour; keep the public interface.`,
        input: [2500, 8000],
        output: [1000, 3000],
      };
    default:
      return {
        type: 'test_generation',
        ...base(random.int(2, 6)),
        critical: false,
        prompt: `Write integration tests for ${random.pick(ENDPOINTS)} in ${service}, covering validation errors, idempotent retries and the happy path.`,
        input: [1000, 5000],
        output: [800, 2800],
      };
  }
}

function frontendTask(random: Random): GeneratedTask {
  const kind = random.weighted({ code_generation: 40, ui_design: 25, bug_fix: 20, review: 10, accessibility: 5 });
  const component = random.pick(COMPONENTS);
  const privacy_level = random.weighted({ low: 78, medium: 17, high: 5 });
  switch (kind) {
    case 'code_generation': {
      const newComponent = random.chance(0.3);
      return {
        type: 'code_generation',
        complexity: random.int(2, 7),
        privacy_level,
        critical: random.chance(0.04),
        ...(newComponent ? { involves_ui_design: true as const } : {}),
        prompt: newComponent
          ? `Build a new ${component} component in React and TypeScript from the attached wireframe, with loading, empty and error states.`
          : `Add ${random.pick(['pagination', 'sorting', 'inline editing', 'keyboard shortcuts', 'optimistic updates'])} to ${component}; keep the existing tests passing.`,
        input: [1000, 5000],
        output: [700, 2500],
      };
    }
    case 'ui_design':
      return {
        type: 'design',
        complexity: random.int(3, 8),
        privacy_level,
        critical: false,
        involves_ui_design: true,
        prompt: `Design the ${component} for ${random.pick(['mobile', 'desktop', 'tablet and desktop'])}: layout, spacing scale, states and the copy, following our design tokens.`,
        input: [800, 3500],
        output: [700, 2200],
      };
    case 'bug_fix':
      return {
        type: 'bug_fix',
        complexity: random.int(2, 7),
        privacy_level,
        critical: random.chance(0.06),
        prompt: `Fix ${component}: it ${random.pick(UI_BUGS)}. Reproduction steps and the component source are attached.`,
        input: [1000, 5000],
        output: [300, 1200],
      };
    case 'review':
      return {
        type: 'review',
        complexity: random.int(2, 6),
        privacy_level,
        critical: false,
        prompt: `Review the pull request that reworks ${component}: state management, re-renders and bundle size.`,
        input: [1500, 7000],
        output: [300, 1000],
      };
    default:
      return {
        type: 'accessibility_audit',
        complexity: random.int(3, 7),
        privacy_level,
        critical: false,
        involves_ui_design: true,
        prompt: `Audit ${component} against WCAG 2.2 AA: contrast, focus order, labels and announcements; list fixes by severity.`,
        input: [1200, 4500],
        output: [500, 1500],
      };
  }
}

function qaTask(random: Random, nightly: boolean): GeneratedTask {
  const kind = nightly
    ? random.weighted({ test_generation: 70, analysis: 30 })
    : random.weighted({ test_generation: 48, review: 15, bug_fix: 15, analysis: 22 });
  const service = random.pick(SERVICES);
  switch (kind) {
    case 'test_generation':
      return {
        type: 'test_generation',
        complexity: random.int(2, 7),
        privacy_level: privacyFor(random, service),
        critical: SENSITIVE_SERVICES.has(service) && random.chance(0.12),
        prompt: nightly
          ? `Nightly regression: generate property-based tests for the ${service} module changed today, targeting ${random.pick(['boundary values', 'concurrency', 'time zones', 'currency rounding', 'unicode input'])}.`
          : `Write end-to-end tests for the ${service} flow in Playwright: the happy path, a declined payment and a session timeout.`,
        input: [1000, 5000],
        output: [800, 3000],
      };
    case 'review':
      return {
        type: 'review',
        complexity: random.int(2, 6),
        privacy_level: 'low',
        critical: false,
        prompt: `Review the test plan for the ${service} release: missing cases, redundant tests and risky areas without coverage.`,
        input: [1000, 4000],
        output: [300, 1000],
      };
    case 'bug_fix':
      return {
        type: 'bug_fix',
        complexity: random.int(3, 8),
        privacy_level: privacyFor(random, service),
        critical: random.chance(0.1),
        prompt: `Reproduce and minimise the failure in ${service}: it ${random.pick(BUGS)}. Produce a failing test first.`,
        input: [1500, 6000],
        output: [400, 1500],
      };
    default:
      return {
        type: 'test_analysis',
        complexity: random.int(4, 9),
        privacy_level: 'low',
        critical: false,
        requires_reasoning: true,
        prompt: `Find why ${random.int(2, 14)} tests in ${service} became flaky since yesterday's deploy; the CI logs of the last ${random.int(5, 30)} runs are attached.`,
        input: [3000, 10000],
        output: [400, 1400],
      };
  }
}

// ---------------------------------------------------------------------------------------------

export interface GenerateOptions {
  seed?: number;
  tasks?: number;
}

/** The workload as JSONL text: one task per line, in time order. */
export function generateWorkload(options: GenerateOptions = {}): string {
  const random = createRandom(options.seed ?? 20260310);
  const total = options.tasks ?? 3000;
  const dayStart = Date.parse(`${DAY}T00:00:00Z`);
  const hourWeights = Object.fromEntries(HOURLY_LOAD.map((w, hour) => [String(hour), w])) as Record<string, number>;

  const entries: { at: number; line: Record<string, unknown> }[] = [];
  for (let i = 0; i < total; i++) {
    const hour = Number(random.weighted(hourWeights));
    const at = dayStart + hour * 3_600_000 + random.int(0, 3_599_999);
    // At night only the QA batch and the odd on-call request run.
    const nightly = hour === NIGHTLY_BATCH_HOUR || (hour < 6 && random.chance(0.6));
    const agent: AgentId = nightly ? 'qa_agent' : random.weighted(AGENT_SHARE);
    const generated =
      agent === 'cto_agent' ? ctoTask(random) : agent === 'backend_agent' ? backendTask(random) : agent === 'frontend_agent' ? frontendTask(random) : qaTask(random, nightly);
    const withPii = random.chance(0.05);
    const prompt = withPii ? `${generated.prompt} ${personalData(random)}` : generated.prompt;
    const task: Record<string, unknown> = {
      type: generated.type,
      complexity: generated.complexity,
      privacy_level: generated.privacy_level,
      critical: generated.critical,
    };
    if (generated.involves_ui_design) task.involves_ui_design = true;
    if (generated.requires_reasoning) task.requires_reasoning = true;
    task.prompt = prompt;
    entries.push({
      at,
      line: { agent, task, input_tokens: random.tokens(...generated.input), output_tokens: random.tokens(...generated.output) },
    });
  }
  entries.sort((a, b) => a.at - b.at);
  return entries
    .map((entry, index) => {
      const { agent, task, input_tokens, output_tokens } = entry.line;
      const withId = { id: `task-${String(index + 1).padStart(5, '0')}`, ...(task as object) };
      return JSON.stringify({ at: new Date(entry.at).toISOString(), agent, task: withId, input_tokens, output_tokens });
    })
    .join('\n')
    .concat('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, tasks: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const out = values.out ?? fileURLToPath(new URL('./day.jsonl', import.meta.url));
  const text = generateWorkload({
    ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
    ...(values.tasks !== undefined ? { tasks: Number(values.tasks) } : {}),
  });
  writeFileSync(out, text);
  console.log(`wrote ${text.split('\n').length - 1} tasks to ${out}`);
}
