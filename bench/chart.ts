/**
 * The scaling chart: small multiples, one panel per measured quantity, log-log axes (size of the
 * city on x, the figure on y), drawn from the `series` of bench/results.json's figures into a
 * self-contained SVG that the README shows. `pnpm bench` rewrites it after every run that measured
 * a series; `tsx bench/chart.ts` redraws it from results.json alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchFigure } from './types.ts';
import { BACKEND_LABEL, nominalSize } from './tables.ts';

interface Line {
  label: string;
  points: Array<{ x: number; y: number }>;
}
interface Panel {
  title: string;
  unit: string;
  xUnit: string;
  lines: Line[];
}

const PANEL_W = 300;
const PANEL_H = 190;
const PAD = { left: 52, right: 12, top: 30, bottom: 34 };
const COLS = 3;
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700'];

/** Groups series figures into panels: "… p50" and "… p99" of one quantity share a panel. */
/**
 * A panel's title, squeezed to `room` pixels when it would run past the panel's right edge (about
 * 6.6 px a character at 12 px bold sans-serif).
 */
export function titleText(text: string, x: number, y: number, room: number): string {
  const fit = text.length * 6.6 > room ? ` textLength="${room}" lengthAdjust="spacingAndGlyphs"` : '';
  return `<text x="${x}" y="${y}" font-size="12" font-weight="600"${fit}>${esc(text)}</text>`;
}

export function panelsOf(figures: readonly BenchFigure[]): Panel[] {
  const panels = new Map<string, Panel>();
  for (const f of figures) {
    if (!f.series) continue;
    const m = /^(.*?),? (p50|p95|p99|median)$/.exec(f.series.metric);
    const title = m ? m[1]! : f.series.metric;
    const label = [m?.[2], f.series.backend ? BACKEND_LABEL[f.series.backend] : undefined]
      .filter(Boolean)
      .join(' ');
    const key = `${title}|${f.unit}|${f.series.xUnit}`;
    let panel = panels.get(key);
    if (!panel) {
      panel = { title, unit: f.unit, xUnit: f.series.xUnit, lines: [] };
      panels.set(key, panel);
    }
    let line = panel.lines.find((l) => l.label === label);
    if (!line) {
      line = { label, points: [] };
      panel.lines.push(line);
    }
    line.points.push({ x: f.series.x, y: f.value });
  }
  for (const p of panels.values()) {
    for (const l of p.lines) l.points.sort((a, b) => a.x - b.x);
    // beside a PostgreSQL line, the others are SQLite's: say so
    const pg = BACKEND_LABEL.postgres;
    if (p.lines.some((l) => l.label.endsWith(pg)))
      for (const l of p.lines) if (!l.label.endsWith(pg)) l.label = `${l.label} SQLite`.trim();
  }
  return [...panels.values()];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const short = (v: number) =>
  v >= 1e6
    ? `${+(v / 1e6).toPrecision(3)}M`
    : v >= 1e3
      ? `${+(v / 1e3).toPrecision(3)}k`
      : `${+v.toPrecision(3)}`;

/** Decade ticks (1, 10, 100 …) covering [lo, hi], with 2 and 5 when fewer than three decades show. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const few = Math.log10(hi / lo) < 1.5;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of few ? [1, 2, 5] : [1]) {
      const t = m * 10 ** e;
      if (t >= lo && t <= hi) ticks.push(t);
    }
  return ticks;
}

function drawPanel(p: Panel, ox: number, oy: number): string {
  const xs = p.lines.flatMap((l) => l.points.map((q) => q.x));
  const ys = p.lines.flatMap((l) => l.points.map((q) => q.y)).filter((y) => y > 0);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys) / 1.5, Math.max(...ys) * 1.5];
  const w = PANEL_W - PAD.left - PAD.right;
  const h = PANEL_H - PAD.top - PAD.bottom;
  const sx = (x: number) => ox + PAD.left + (x1 === x0 ? w / 2 : (Math.log(x / x0) / Math.log(x1 / x0)) * w);
  const sy = (y: number) => oy + PAD.top + h - (Math.log(y / y0) / Math.log(y1 / y0)) * h;
  const out: string[] = [];
  out.push(titleText(`${p.title} (${p.unit})`, ox + PAD.left, oy + 18, PANEL_W - PAD.left - 4));
  out.push(
    `<rect x="${ox + PAD.left}" y="${oy + PAD.top}" width="${w}" height="${h}" fill="none" stroke="#d0d7de"/>`,
  );
  for (const t of logTicks(y0, y1))
    out.push(
      `<line x1="${ox + PAD.left}" x2="${ox + PAD.left + w}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eaeef2"/>`,
      `<text x="${ox + PAD.left - 4}" y="${sy(t) + 4}" font-size="10" text-anchor="end" fill="#57606a">${short(t)}</text>`,
    );
  // one label per nominal size: the backends' histories differ by a few cases (19,992 and 19,978)
  for (const [nominal, x] of new Map(xs.map((x) => [nominalSize(x), x])))
    out.push(
      `<text x="${sx(x)}" y="${oy + PAD.top + h + 14}" font-size="10" text-anchor="middle" fill="#57606a">${short(nominal)}</text>`,
    );
  out.push(
    `<text x="${ox + PAD.left + w / 2}" y="${oy + PANEL_H - 6}" font-size="10" text-anchor="middle" fill="#57606a">${esc(p.xUnit)} (log)</text>`,
  );
  p.lines.forEach((l, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = l.points.filter((q) => q.y > 0);
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((q) => `${sx(q.x).toFixed(1)},${sy(q.y).toFixed(1)}`).join(' ')}"/>`,
      ...pts.map(
        (q) => `<circle cx="${sx(q.x).toFixed(1)}" cy="${sy(q.y).toFixed(1)}" r="3" fill="${color}"/>`,
      ),
    );
    if (l.label)
      out.push(
        `<text x="${ox + PAD.left + w - 4}" y="${oy + PAD.top + 12 + i * 12}" font-size="10" text-anchor="end" fill="${color}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(l.label)}</text>`,
      );
  });
  return out.join('\n');
}

/** The whole chart as SVG text. */
export function scalingChartSvg(figures: readonly BenchFigure[], caption: string): string {
  const panels = panelsOf(figures);
  const rows = Math.ceil(panels.length / COLS);
  const width = COLS * PANEL_W;
  const height = rows * PANEL_H + 28;
  const body = panels.map((p, i) => drawPanel(p, (i % COLS) * PANEL_W, 28 + Math.floor(i / COLS) * PANEL_H));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="18" font-size="13">${esc(caption)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Rewrite bench/scaling.svg from results; returns whether there was anything to draw. */
export function writeScalingChart(root: string, results: { date: string; figures: BenchFigure[] }): boolean {
  if (!results.figures.some((f) => f.series)) return false;
  const caption = `citygrid: how cost grows with the city — pnpm bench, ${results.date.slice(0, 10)} (log-log)`;
  writeFileSync(join(root, 'bench/scaling.svg'), scalingChartSvg(results.figures, caption));
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '..');
  const results = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8')) as {
    date: string;
    figures: BenchFigure[];
  };
  console.log(writeScalingChart(root, results) ? 'bench/scaling.svg written' : 'no series in results.json');
}
