import type { Band } from './report.ts';

/**
 * Learning curves as an SVG drawn by hand (no charting library in Node): two panels side by side, return
 * against env steps and against wall time, one colour per algorithm, the mean as a line and mean +- std as a
 * translucent band.
 */

export interface CurveSeries {
  readonly label: string;
  readonly byEnvSteps: Band;
  readonly byWallTime: Band;
}

const WIDTH = 1200;
const HEIGHT = 480;
const PANEL = { width: 500, height: 340, top: 70 };
const LEFTS = [80, 660];
/**
 * Colours of the series in order (algorithms, runs): one palette for the app's charts and comparison and this figure,
 * so that an exported figure looks like the screen it came from. Each is at least 3:1 against white (WCAG's
 * contrast for graphics).
 */
export const SERIES_COLOURS: readonly string[] = ['#d4581c', '#2870c2', '#1d8a60', '#7d4cc4', '#b7860f', '#c0392b', '#138496', '#4f5866'];

/** Every other series is drawn dashed (7 on, 4 off): identical curves (a resumed run over its uninterrupted twin) stay visible. */
export const SERIES_DASH: readonly number[] = [7, 4];
export const isDashed = (series: number): boolean => series % 2 === 1;

/** About six round tick values covering [low, high]. */
export function niceTicks(low: number, high: number, count = 6): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function tickLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

const dash = (series: number) => (isDashed(series) ? ` stroke-dasharray="${SERIES_DASH.join(' ')}"` : '');
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function panel(series: readonly CurveSeries[], axis: 'byEnvSteps' | 'byWallTime', left: number, xTitle: string): string {
  const bands = series.map((s) => s[axis]);
  const xs = bands.flatMap((b) => b.x);
  const lows = bands.flatMap((b) => b.mean.map((m, i) => m - b.std[i]));
  const highs = bands.flatMap((b) => b.mean.map((m, i) => m + b.std[i]));
  const parts: string[] = [];
  const { width, height, top } = PANEL;
  parts.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="#fff" stroke="#444"/>`);
  if (xs.length === 0) {
    parts.push(`<text x="${left + width / 2}" y="${top + height / 2}" text-anchor="middle">no finished episodes</text>`);
    return parts.join('\n');
  }
  const xMin = 0;
  const xMax = Math.max(...xs) || 1;
  let yMin = Math.min(...lows);
  let yMax = Math.max(...highs);
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 1, yMax + 1];
  const pad = (yMax - yMin) * 0.05;
  [yMin, yMax] = [yMin - pad, yMax + pad];
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin)) * width;
  const py = (y: number) => top + height - ((y - yMin) / (yMax - yMin)) * height;
  for (const t of niceTicks(xMin, xMax)) {
    parts.push(`<line x1="${px(t)}" y1="${top}" x2="${px(t)}" y2="${top + height}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${px(t)}" y="${top + height + 18}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  for (const t of niceTicks(yMin, yMax)) {
    parts.push(`<line x1="${left}" y1="${py(t)}" x2="${left + width}" y2="${py(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${tickLabel(t)}</text>`);
  }
  bands.forEach((b, s) => {
    const colour = SERIES_COLOURS[s % SERIES_COLOURS.length];
    const upper = b.x.map((x, i) => `${px(x).toFixed(1)},${py(b.mean[i] + b.std[i]).toFixed(1)}`);
    const lower = b.x.map((x, i) => `${px(x).toFixed(1)},${py(b.mean[i] - b.std[i]).toFixed(1)}`).reverse();
    parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${colour}" fill-opacity="0.2" stroke="none"/>`);
    const line = b.x.map((x, i) => `${px(x).toFixed(1)},${py(b.mean[i]).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"${dash(s)}/>`);
  });
  parts.push(`<text x="${left + width / 2}" y="${top + height + 42}" text-anchor="middle">${escapeXml(xTitle)}</text>`);
  parts.push(`<text transform="translate(${left - 52} ${top + height / 2}) rotate(-90)" text-anchor="middle">episode return</text>`);
  return parts.join('\n');
}

export function learningCurvesSvg(title: string, series: readonly CurveSeries[]): string {
  const legend = series
    .map((s, i) => {
      const x = 80 + i * 170;
      const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
      return `<line x1="${x}" y1="41" x2="${x + 20}" y2="41" stroke="${colour}" stroke-width="3"${dash(i)}/><text x="${x + 26}" y="45">${escapeXml(s.label)}</text>`;
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fafafa"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    legend,
    panel(series, 'byEnvSteps', LEFTS[0], 'environment steps'),
    panel(series, 'byWallTime', LEFTS[1], 'wall time (s)'),
    '</svg>',
    '',
  ].join('\n');
}
