// Renders the HTML report of the sample workload in headless Chromium, checks the charts are really
// drawn (each SVG series and bar has a size on screen) and saves a screenshot to look at.
// Needs Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`); skipped without it.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/simulation/html-report.js';
import { parseWorkload } from '../../src/simulation/parse-workload.js';
import { simulateWorkload } from '../../src/simulation/simulate-workload.js';
import { loadSeed } from '../helpers/seed.js';

const CHROMIUM = '/usr/bin/chromium';
const DAY_FILE = fileURLToPath(new URL('../../examples/workloads/day.jsonl', import.meta.url));
const hasChromium = existsSync(CHROMIUM);

describe('HTML report in a browser', () => {
  if (!hasChromium) {
    it.skip(`needs Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (Debian/Ubuntu), then rerun`, () => {});
    return;
  }

  it('draws the cost lines and model-mix bars, and screenshots the page', async () => {
    const config = await loadSeed('production');
    const { tasks } = parseWorkload(readFileSync(DAY_FILE, 'utf8'), { fileName: 'day.jsonl' });
    // A tight budget, so the cost breaker trips during the day and the chart shows it.
    const report = await simulateWorkload(config, tasks, { strategies: ['balanced', 'cost_optimized', 'performance_optimized', 'privacy_first'], budgetUsd: 40 });

    const dir = mkdtempSync(join(tmpdir(), 'llm-agent-router-report-'));
    const userDataDir = mkdtempSync(join(tmpdir(), 'llm-agent-router-chromium-'));
    const htmlFile = join(dir, 'report.html');
    const pngFile = join(dir, 'report.png');
    writeFileSync(htmlFile, renderHtmlReport(report));

    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));

      await page.goto(pathToFileURL(htmlFile).href);
      await expect(page.title()).resolves.toMatch(/Workload simulation/);

      const series = page.locator('svg.cost-chart path.series');
      await expect(series.count()).resolves.toBe(report.strategies.length);
      let tallest = 0;
      for (const box of await Promise.all((await series.all()).map((line) => line.boundingBox()))) {
        expect(box).not.toBeNull();
        expect(box!.width).toBeGreaterThan(100);
        tallest = Math.max(tallest, box!.height);
      }
      expect(tallest).toBeGreaterThan(50); // a line that climbs, not only flat ones

      const bars = page.locator('svg.mix-chart rect.bar');
      const barCount = await bars.count();
      expect(barCount).toBeGreaterThanOrEqual(report.strategies.length * report.agents.length);
      for (const box of await Promise.all((await bars.all()).map((bar) => bar.boundingBox()))) {
        expect(box).not.toBeNull();
        expect(box!.width).toBeGreaterThan(0);
        expect(box!.height).toBeGreaterThan(0);
      }
      await expect(page.locator('table.headline tbody tr').count()).resolves.toBe(report.strategies.length);

      await page.screenshot({ path: pngFile, fullPage: true });
      expect(statSync(pngFile).size).toBeGreaterThan(20_000);
      console.log(`report screenshot: ${pngFile}`);

      // The page is self-contained: the only thing loaded is the file itself.
      expect(requested).toEqual([pathToFileURL(htmlFile).href]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
