// Renders a simulation report as one self-contained HTML page: inline CSS and hand-drawn inline SVG
// charts, no scripts, fonts or images from anywhere. Every string that comes from the workload or the
// configuration (agent, model and strategy names) is escaped.
import type { SimulationReport, StrategyOutcome } from './simulate-workload.js';

const STRATEGY_COLOURS = ['#3b5bdb', '#e8590c', '#0ca678', '#d6336c', '#7048e8', '#f59f00', '#1098ad', '#495057'];
// Cloud models in warm hues, local models in cool ones, so the mix chart reads at a glance.
const CLOUD_COLOURS = ['#e8590c', '#c2255c', '#f59f00', '#9c36b5', '#e03131', '#a61e4d'];
const LOCAL_COLOURS = ['#1c7ed6', '#2f9e44', '#1098ad', '#5c940d', '#4263eb', '#087f5b'];

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const esc = escapeHtml;

function money(usd: number): string {
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A time of the simulated day (UTC): `14:30`, or `01-06 14:30` when the workload spans several days. */
function clockTime(epochMs: number, withDate: boolean): string {
  const iso = new Date(epochMs).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Round, readable axis ticks from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten. */
function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let value = 0; value < max + step * 0.999; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

function n1(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** Colours by model id, in configuration order: warm for cloud, cool for local. */
function modelColours(report: SimulationReport): Map<string, string> {
  const colours = new Map<string, string>();
  let cloud = 0;
  let local = 0;
  for (const model of report.models) {
    colours.set(model.id, model.type === 'cloud' ? CLOUD_COLOURS[cloud++ % CLOUD_COLOURS.length]! : LOCAL_COLOURS[local++ % LOCAL_COLOURS.length]!);
  }
  return colours;
}

function strategyColour(index: number): string {
  return STRATEGY_COLOURS[index % STRATEGY_COLOURS.length]!;
}

/** The budget line to draw: only when every strategy runs under the same budget over a single day. */
function sharedBudget(report: SimulationReport): number | undefined {
  const budgets = new Set(report.strategies.map((s) => s.budgetUsd));
  if (budgets.size !== 1) return undefined;
  const [budget] = budgets;
  return budget !== null && budget !== undefined && report.end - report.start <= 86_400_000 ? budget : undefined;
}

/** For each strategy, the first earlier strategy with exactly the same cost series (its line hides this one). */
function identicalSeries(report: SimulationReport): (string | undefined)[] {
  return report.strategies.map((outcome, index) => {
    for (let earlier = 0; earlier < index; earlier++) {
      const other = report.strategies[earlier]!;
      if (other.costSeriesUsd.length === outcome.costSeriesUsd.length && other.costSeriesUsd.every((usd, i) => usd === outcome.costSeriesUsd[i])) return other.strategy;
    }
    return undefined;
  });
}

function costChart(report: SimulationReport): string {
  const width = 960;
  const height = 400;
  const margin = { top: 24, right: 230, bottom: 48, left: 76 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const span = Math.max(1, report.end - report.start);
  const multiDay = span > 86_400_000;

  const maxCost = Math.max(0, ...report.strategies.map((s) => s.totalCostUsd));
  const budget = sharedBudget(report);
  const budgetOnScale = budget !== undefined && budget > 0 && (maxCost === 0 || budget <= maxCost * 3);
  const ticks = niceTicks(Math.max(maxCost, budgetOnScale ? budget : 0, maxCost === 0 ? 1 : 0));
  const yMax = ticks[ticks.length - 1]!;
  const x = (t: number) => margin.left + ((t - report.start) / span) * plotW;
  const y = (usd: number) => margin.top + plotH - (usd / yMax) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg class="cost-chart" id="cost-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="cost-chart-title">`,
    `<title id="cost-chart-title">Cumulative cost over the simulated ${multiDay ? 'period' : 'day'}, per strategy</title>`,
  );
  // Grid and y axis.
  parts.push('<g class="axis y-axis">');
  for (const tick of ticks) {
    const ty = n1(y(tick));
    parts.push(
      `<line class="grid" x1="${margin.left}" x2="${margin.left + plotW}" y1="${ty}" y2="${ty}"/>`,
      `<text x="${margin.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle">${esc(money(tick))}</text>`,
    );
  }
  parts.push(
    `<text class="axis-title" transform="translate(16 ${n1(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">cumulative cost (USD)</text>`,
    '</g>',
  );
  // X axis: every 3 hours for one day, else spread over the span.
  const hour = 3_600_000;
  const stepHours = multiDay ? Math.max(6, Math.ceil(span / hour / 8 / 6) * 6) : 3;
  parts.push('<g class="axis x-axis">');
  parts.push(`<line class="axis-line" x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}"/>`);
  for (let t = report.start; t <= report.end; t += stepHours * hour) {
    const tx = n1(x(t));
    parts.push(
      `<line class="tick" x1="${tx}" x2="${tx}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}"/>`,
      `<text x="${tx}" y="${margin.top + plotH + 20}" text-anchor="middle">${esc(t === report.end && !multiDay ? '24:00' : clockTime(t, multiDay))}</text>`,
    );
  }
  parts.push(`<text class="axis-title" x="${n1(margin.left + plotW / 2)}" y="${height - 6}" text-anchor="middle">simulated time (UTC)</text>`, '</g>');

  if (budgetOnScale && budget !== undefined) {
    const by = n1(y(budget));
    parts.push(
      `<g class="budget"><line x1="${margin.left}" x2="${margin.left + plotW}" y1="${by}" y2="${by}"/>`,
      `<text x="${margin.left + plotW - 4}" y="${n1(y(budget) - 6)}" text-anchor="end">daily budget ${esc(money(budget))}</text></g>`,
    );
  }

  // One line per strategy: cost is 0 at the start, then the cumulative cost at the end of each interval.
  const sameAs = identicalSeries(report);
  report.strategies.forEach((outcome, index) => {
    const colour = strategyColour(index);
    const points = [`M${n1(x(report.start))} ${n1(y(0))}`];
    outcome.costSeriesUsd.forEach((usd, bucket) => {
      const t = Math.min(report.end, report.start + (bucket + 1) * report.bucketMs);
      points.push(`L${n1(x(t))} ${n1(y(usd))}`);
    });
    parts.push(
      `<path class="series${sameAs[index] === undefined ? '' : ' overlap'}" data-strategy="${esc(outcome.strategy)}" d="${points.join(' ')}" stroke="${colour}"><title>${esc(outcome.strategy)}: ${esc(money(outcome.totalCostUsd))}</title></path>`,
    );
    if (outcome.breakerTrippedAtMs !== null) {
      const bucket = Math.min(outcome.costSeriesUsd.length - 1, Math.max(0, Math.floor((outcome.breakerTrippedAtMs - report.start) / report.bucketMs)));
      const cx = n1(x(outcome.breakerTrippedAtMs));
      const cy = n1(y(outcome.costSeriesUsd[bucket] ?? 0));
      parts.push(
        `<circle class="breaker" cx="${cx}" cy="${cy}" r="5" stroke="${colour}"><title>${esc(outcome.strategy)}: cost circuit breaker tripped at ${esc(clockTime(outcome.breakerTrippedAtMs, multiDay))}</title></circle>`,
      );
    }
  });

  // Legend, right of the plot: colour, name, total (and which line hides this one, if any).
  const legendX = margin.left + plotW + 20;
  let ly = margin.top + 8;
  parts.push('<g class="legend">');
  report.strategies.forEach((outcome, index) => {
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 22}" y1="${ly}" y2="${ly}" stroke="${strategyColour(index)}" stroke-width="3"${sameAs[index] === undefined ? '' : ' stroke-dasharray="7 6"'}/>`,
      `<text class="legend-name" x="${legendX + 30}" y="${ly}" dominant-baseline="middle">${esc(truncate(outcome.strategy, 24))}<title>${esc(outcome.strategy)}</title></text>`,
      `<text class="legend-value" x="${legendX + 30}" y="${ly + 16}" dominant-baseline="middle">${esc(money(outcome.totalCostUsd))}</text>`,
    );
    if (sameAs[index] !== undefined) {
      parts.push(`<text class="legend-note" x="${legendX + 30}" y="${ly + 31}" dominant-baseline="middle">same line as ${esc(truncate(sameAs[index]!, 16))}</text>`);
      ly += 14;
    }
    ly += 40;
  });
  if (report.strategies.some((s) => s.breakerTrippedAtMs !== null)) {
    parts.push(
      `<circle class="breaker" cx="${legendX + 11}" cy="${ly}" r="5" stroke="#495057"/>`,
      `<text class="legend-value" x="${legendX + 30}" y="${ly}" dominant-baseline="middle">cost breaker tripped</text>`,
    );
  }
  parts.push('</g></svg>');
  const offScale = budget !== undefined && !budgetOnScale && budget > 0 ? `<p class="note">The daily budget (${esc(money(budget))}) is far above the spend and is not drawn.</p>` : '';
  return parts.join('') + offScale;
}

function mixChart(report: SimulationReport, outcome: StrategyOutcome, colours: ReadonlyMap<string, string>): string {
  const rowH = 34;
  const labelW = 170;
  const barW = 340;
  const width = labelW + barW + 70;
  const top = 34;
  const height = top + Math.max(1, report.agents.length) * rowH + 8;
  const parts: string[] = [
    `<svg class="mix-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(`Model mix per agent under ${outcome.strategy}`)}">`,
    `<text class="mix-title" x="0" y="18">${esc(truncate(outcome.strategy, 40))}</text>`,
  ];
  report.agents.forEach((agent, row) => {
    const ry = top + row * rowH;
    const byModel = outcome.modelMix[agent] ?? {};
    const served = Object.values(byModel).reduce((sum, n) => sum + n, 0);
    parts.push(`<text class="agent" x="${labelW - 10}" y="${ry + 12}" text-anchor="end" dominant-baseline="middle">${esc(truncate(agent, 20))}<title>${esc(agent)}</title></text>`);
    if (served === 0) {
      parts.push(`<rect class="empty" x="${labelW}" y="${ry}" width="${barW}" height="24" rx="3"/>`, `<text class="count" x="${labelW + 8}" y="${ry + 12}" dominant-baseline="middle">no request served</text>`);
      return;
    }
    let offset = 0;
    for (const model of report.models) {
      const n = byModel[model.id] ?? 0;
      if (n === 0) continue;
      const w = (n / served) * barW;
      const share = n / served;
      parts.push(
        `<rect class="bar ${model.type}" x="${n1(labelW + offset)}" y="${ry}" width="${n1(w)}" height="24" fill="${colours.get(model.id) ?? '#868e96'}"><title>${esc(agent)} · ${esc(model.id)} (${model.type}): ${count(n)} of ${count(served)} (${percent(share)})</title></rect>`,
      );
      if (w >= 44) {
        parts.push(`<text class="seg" x="${n1(labelW + offset + w / 2)}" y="${ry + 12}" text-anchor="middle" dominant-baseline="middle">${Math.round(share * 100)}%</text>`);
      }
      offset += w;
    }
    parts.push(`<text class="count" x="${labelW + barW + 8}" y="${ry + 12}" dominant-baseline="middle">${count(served)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function headlineTable(report: SimulationReport): string {
  const cheapest = Math.min(...report.strategies.map((s) => s.totalCostUsd));
  const rows = report.strategies.map((s, index) => {
    const best = report.strategies.length > 1 && s.totalCostUsd === cheapest ? ' class="best"' : '';
    const breaker = s.breakerTrippedAtMs === null ? '<span class="muted">—</span>' : esc(clockTime(s.breakerTrippedAtMs, report.end - report.start > 86_400_000));
    return (
      `<tr${best}><th scope="row" title="${esc(s.strategy)}"><span class="swatch" style="background:${strategyColour(index)}"></span>${esc(truncate(s.strategy, 28))}</th>` +
      `<td class="num strong">${esc(money(s.totalCostUsd))}</td>` +
      `<td class="share"><span class="meter"><span style="width:${n1(s.localShare * 100)}%"></span></span>${percent(s.localShare)}</td>` +
      `<td class="num">${count(s.privacyActivations)}</td>` +
      `<td class="num">${count(s.fallbacks)}</td>` +
      `<td class="num">${count(s.ruleSwitches)}</td>` +
      `<td class="num">${count(s.verifications)}</td>` +
      `<td class="num${s.refused > 0 ? ' warn' : ''}">${count(s.refused)}${s.failed > 0 ? ` <span class="muted">(+${count(s.failed)} failed)</span>` : ''}</td>` +
      `<td class="num">${breaker}</td>` +
      `<td class="num">${s.budgetUsd === null ? '<span class="muted">none</span>' : esc(money(s.budgetUsd))}</td></tr>`
    );
  });
  return (
    '<table class="headline"><thead><tr><th scope="col">strategy</th><th scope="col">total cost</th><th scope="col">local share</th>' +
    '<th scope="col">privacy activations</th><th scope="col">fallbacks</th><th scope="col">rule switches</th><th scope="col">verifications</th>' +
    '<th scope="col">refused</th><th scope="col">breaker tripped</th><th scope="col">daily budget</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function agentCostTable(report: SimulationReport): string {
  const head = report.agents.map((agent) => `<th scope="col">${esc(agent)}</th>`).join('');
  const rows = report.strategies
    .map((s) => `<tr><th scope="row">${esc(s.strategy)}</th>${report.agents.map((agent) => `<td class="num">${esc(money(s.costByAgentUsd[agent] ?? 0))}</td>`).join('')}<td class="num strong">${esc(money(s.totalCostUsd))}</td></tr>`)
    .join('');
  return `<table class="agents"><thead><tr><th scope="col">strategy</th>${head}<th scope="col">total</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function modelLegend(report: SimulationReport, colours: ReadonlyMap<string, string>): string {
  const items = report.models.map(
    (model) => `<li><span class="swatch" style="background:${colours.get(model.id) ?? '#868e96'}"></span>${esc(model.id)} <span class="tag ${model.type}">${model.type}</span></li>`,
  );
  return `<ul class="model-legend">${items.join('')}</ul>`;
}

const STYLE = `
:root { color-scheme: light; --ink: #212529; --muted: #868e96; --line: #dee2e6; --bg: #f8f9fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 12px; }
.meta { color: #495057; margin: 0 0 24px; }
.meta b { color: var(--ink); }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 0 0 24px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 8px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
thead th { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; white-space: normal; vertical-align: bottom; }
td.num, thead th:not(:first-child) { text-align: right; }
.strong { font-weight: 700; }
tr.best td.strong { color: #2b8a3e; }
.warn { color: #c92a2a; font-weight: 600; }
.muted { color: var(--muted); font-weight: 400; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 8px; vertical-align: -1px; }
td.share { text-align: right; }
.meter { display: inline-block; width: 60px; height: 8px; background: #e9ecef; border-radius: 4px; margin-right: 8px; vertical-align: middle; overflow: hidden; }
.meter span { display: block; height: 100%; background: #1c7ed6; }
svg { display: block; max-width: 100%; height: auto; font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg text { fill: #495057; }
svg .grid { stroke: #e9ecef; }
svg .axis-line, svg .tick { stroke: #adb5bd; }
svg .axis-title { fill: var(--muted); font-size: 12px; }
svg path.series { fill: none; stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
svg path.series.overlap { stroke-dasharray: 7 6; }
svg circle.breaker { fill: #fff; stroke-width: 2.5; }
svg .budget line { stroke: #c92a2a; stroke-dasharray: 6 4; }
svg .budget text { fill: #c92a2a; }
svg .legend-name { fill: var(--ink); font-weight: 600; font-size: 13px; }
svg .legend-value { fill: #495057; }
svg .legend-note { fill: var(--muted); font-size: 11px; font-style: italic; }
svg .mix-title { fill: var(--ink); font-weight: 700; font-size: 14px; }
svg .agent { fill: var(--ink); font-size: 13px; }
svg rect.bar { stroke: #fff; stroke-width: 1; }
svg rect.empty { fill: #f1f3f5; }
svg .seg { fill: #fff; font-weight: 600; font-size: 11px; }
svg .count { fill: var(--muted); }
.mix-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px 32px; }
.model-legend { list-style: none; display: flex; flex-wrap: wrap; gap: 8px 20px; padding: 0; margin: 0 0 16px; }
.tag { font-size: 11px; padding: 1px 6px; border-radius: 8px; margin-left: 4px; }
.tag.cloud { background: #fff4e6; color: #d9480f; }
.tag.local { background: #e7f5ff; color: #1864ab; }
.note, footer { color: var(--muted); font-size: 13px; }
footer { margin-top: 8px; }
`;

/** Renders `report` as one self-contained HTML page. */
export function renderHtmlReport(report: SimulationReport): string {
  const colours = modelColours(report);
  const multiDay = report.end - report.start > 86_400_000;
  const period = multiDay
    ? `${new Date(report.start).toISOString().slice(0, 10)} to ${new Date(report.end - 1).toISOString().slice(0, 10)}`
    : new Date(report.start).toISOString().slice(0, 10);
  const meta = [
    `<b>${count(report.tasks)}</b> tasks`,
    `<b>${count(report.agents.length)}</b> agents`,
    `<b>${count(report.strategies.length)}</b> strategies`,
    `environment <b>${report.environment === null ? 'none' : esc(report.environment)}</b>`,
    `budget <b>${report.budgetUsd === null ? 'as configured' : `${esc(money(report.budgetUsd))}/day`}</b>`,
    `simulated ${esc(period)} (UTC)`,
  ].join(' · ');
  const mixCharts = report.strategies.map((outcome) => mixChart(report, outcome, colours)).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Workload simulation — llm-agent-router</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Workload simulation</h1>
<p class="meta">${meta}</p>
<section>
<h2>Strategies at a glance</h2>
${headlineTable(report)}
<p class="note">Local share is the share of answered requests a local model served. Privacy activations count decisions made under a privacy constraint (PII in the data, a privacy rule or a privacy strategy). Rule switches are decisions a global rule moved to another model; fallbacks are requests another model in the chain answered. Refused requests were over budget with no local model, or had no eligible model.</p>
</section>
<section>
<h2>Cumulative cost over the ${multiDay ? 'simulated period' : 'simulated day'}</h2>
${costChart(report)}
</section>
<section>
<h2>Model mix per agent</h2>
${modelLegend(report, colours)}
<div class="mix-grid">${mixCharts}</div>
</section>
<section>
<h2>Cost by agent</h2>
${agentCostTable(report)}
</section>
<footer>Generated by llm-agent-router's workload simulator. Every request went through the router's complete() with mock providers billing the workload's token counts at the prices in models.yaml; times are simulated, in UTC.</footer>
</main>
</body>
</html>
`;
}
