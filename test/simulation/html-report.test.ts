import { describe, expect, it } from 'vitest';
import type { RouterConfigInput } from '../../src/index.js';
import { escapeHtml, renderHtmlReport } from '../../src/simulation/html-report.js';
import { simulateWorkload, type SimulationReport, type WorkloadTask } from '../../src/simulation/simulate-workload.js';
import { loadSeed } from '../helpers/seed.js';

const HOSTILE = `<img src=x onerror="alert('x')">&</script><script>alert(1)</script>`;

async function seedReport(): Promise<SimulationReport> {
  const config = await loadSeed('production');
  const tasks: WorkloadTask[] = [
    { at: '2026-03-10T09:00:00Z', agent: 'cto_agent', task: { complexity: 9 }, input_tokens: 2000, output_tokens: 800 },
    { at: '2026-03-10T11:30:00Z', agent: 'frontend_agent', task: { involves_ui_design: true }, input_tokens: 1500, output_tokens: 600 },
    { at: '2026-03-10T15:00:00Z', agent: 'qa_agent', task: { type: 'test_generation', critical: true }, input_tokens: 900, output_tokens: 900 },
    { at: '2026-03-10T16:45:00Z', agent: 'backend_agent', task: { type: 'code_generation' }, input_tokens: 3000, output_tokens: 1200 },
  ];
  return simulateWorkload(config, tasks, { strategies: ['balanced', 'cost_optimized', 'performance_optimized', 'privacy_first'], budgetUsd: 0.1 });
}

/** Every `<tag ...>` opening tag in the page, by name. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
}

describe('renderHtmlReport', () => {
  it('is one self-contained page: no scripts, no external references of any kind', async () => {
    const html = renderHtmlReport(await seedReport());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i); // protocol-relative URLs
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(|@font-face/i);
    const names = new Set(tags(html));
    for (const forbidden of ['script', 'link', 'img', 'iframe', 'object', 'embed', 'image', 'use', 'foreignobject']) {
      expect(names.has(forbidden), `<${forbidden}>`).toBe(false);
    }
    expect(html).toContain('<style>');
  });

  it('draws the cost chart (one path per strategy) and the model-mix bars, with stable classes', async () => {
    const report = await seedReport();
    const html = renderHtmlReport(report);
    expect(html).toMatch(/<svg class="cost-chart"/);
    const series = [...html.matchAll(/<path class="series[^"]*" data-strategy="([^"]+)" d="([^"]+)"/g)];
    expect(series.map((m) => m[1])).toEqual(report.strategies.map((s) => s.strategy));
    for (const [, , d] of series) expect(d!.split('L')).toHaveLength(report.strategies[0]!.costSeriesUsd.length + 1);
    const mixCharts = html.match(/<svg class="mix-chart"/g) ?? [];
    expect(mixCharts).toHaveLength(report.strategies.length);
    // One bar segment per (strategy, agent, model) with requests.
    const segments = report.strategies.reduce((n, s) => n + Object.values(s.modelMix).reduce((m, byModel) => m + Object.keys(byModel).length, 0), 0);
    expect(html.match(/<rect class="bar /g) ?? []).toHaveLength(segments);
    // Headline table, with the breaker trip time (a budget of $0.10 trips it at the first call).
    expect(html).toContain('<table class="headline">');
    const tripped = report.strategies.filter((s) => s.breakerTrippedAtMs !== null);
    expect(tripped.length).toBeGreaterThan(0);
    // A marker on each tripped line, plus one in the legend.
    expect(html.match(/<circle class="breaker"/g) ?? []).toHaveLength(tripped.length + 1);
    expect(html).toMatch(/daily budget \$0\.1000/);
  });

  it('escapes every name that comes from the configuration or the workload', async () => {
    const config: RouterConfigInput = {
      models: {
        [`cloud${HOSTILE}`]: { provider: 'acme', type: 'cloud', cost_per_1k_tokens: { input: 0.01, output: 0.03 } },
        [`local${HOSTILE}`]: { provider: 'local', type: 'local' },
      },
      agents: { [HOSTILE]: { model_preferences: { primary: `cloud${HOSTILE}`, local_alternative: `local${HOSTILE}` } } },
      routing: { strategies: { [`mine${HOSTILE}`]: { rules: [{ prefer_cloud_models: true }] } } },
    };
    const tasks: WorkloadTask[] = [
      { agent: HOSTILE, task: { complexity: 8 }, input_tokens: 1000, output_tokens: 1000 },
      { agent: HOSTILE, task: { complexity: 1 }, input_tokens: 1000, output_tokens: 1000 },
    ];
    const report = await simulateWorkload(config, tasks, { strategies: [`mine${HOSTILE}`, 'privacy_first'], environment: `env${HOSTILE}` });
    const html = renderHtmlReport(report);
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain(escapeHtml(`env${HOSTILE}`));
    expect(html).toContain(escapeHtml(`local${HOSTILE}`));
    // Attribute values cannot be closed early: every quote inside them is escaped.
    for (const match of html.matchAll(/data-strategy="([^"]*)"/g)) expect(match[1]).not.toMatch(/[<>'"]/);
  });

  it('escapes &, <, >, " and \'', () => {
    expect(escapeHtml(`a&b<c>d"e'f`)).toBe('a&#38;b&#60;c&#62;d&#34;e&#39;f');
  });

  it('renders an empty workload without failing', async () => {
    const config = await loadSeed();
    const html = renderHtmlReport(await simulateWorkload(config, [], { strategies: ['balanced'] }));
    expect(html).toContain('<svg class="cost-chart"');
    expect(html).toContain('<b>0</b> tasks');
  });
});
