import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsRecord } from '../../../agents/contract.ts';
import { SERIES_COLOURS, tickLabel } from '../../runtime/report-svg.ts';

/** One live chart of the bottom strip: a title and one or more series sharing the x axis (env steps). */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Each series plots the first of its metric keys a record has; a series no record has is left out. */
  readonly series: readonly SeriesSpec[];
}

interface SeriesSpec {
  readonly label: string;
  /** The label after the run's name when runs are overlaid (the legend is narrow); the label when absent. */
  readonly short?: string;
  readonly color: string;
  readonly keys: readonly string[];
  /** Logged now and then (evaluations), not every iteration: drawn with a dot at each value. */
  readonly sparse?: boolean;
}

export const trainingCharts: readonly ChartSpec[] = [
  {
    id: 'return',
    title: 'Episode return',
    series: [
      { label: 'training (with exploration noise)', short: 'training', color: '#d4581c', keys: ['episode_return'] },
      { label: 'evaluation (deterministic)', short: 'evaluation', color: '#2870c2', keys: ['eval_return'], sparse: true },
    ],
  },
  { id: 'length', title: 'Episode length', series: [{ label: 'length', color: '#2870c2', keys: ['episode_length'] }] },
  {
    id: 'losses',
    title: 'Losses',
    series: [
      { label: 'actor', color: '#7d4cc4', keys: ['actor_loss', 'policy_loss'] },
      { label: 'critic', color: '#1d8a60', keys: ['critic_loss', 'value_loss'] },
    ],
  },
  {
    id: 'entropy',
    title: 'Policy',
    series: [
      { label: 'entropy', color: '#b7860f', keys: ['entropy'] },
      { label: 'kl', color: '#c0392b', keys: ['approx_kl', 'kl'] },
      { label: 'alpha', color: '#2870c2', keys: ['alpha'] },
    ],
  },
  { id: 'speed', title: 'Env steps / s', series: [{ label: 'steps/s', color: '#4f5866', keys: ['steps_per_s'] }] },
];

/** A run whose curves the strip draws. */
export interface ChartSource {
  readonly label: string;
  readonly records: readonly MetricsRecord[];
}

export type YScale = 'linear' | 'log';

/** Height of one line of a chart's legend (11.5 px text at line height 1.25, and the row's padding). */
const LEGEND_LINE_PX = 15;

/**
 * Lines a legend of these labels takes in `width` px: uPlot lays its entries out inline, each its marker, its bold
 * label and a value of up to about 8 characters, wrapping a label longer than the line. Widths are estimated from
 * the number of characters (about 7 px each at 11.5 px, bold), which errs on the side of a line too many.
 */
export function legendLines(labels: readonly string[], width: number): number {
  const CHAR_PX = 7;
  let lines = 1;
  let used = 0;
  for (const label of labels) {
    const entry = 16 + CHAR_PX * (label.length + 10);
    if (used > 0 && used + entry > width) [lines, used] = [lines + 1, 0];
    used += entry;
    // A label longer than the line wraps onto the next.
    for (; used > width; used -= width) lines++;
  }
  return lines;
}

interface Plot {
  readonly spec: ChartSpec;
  readonly holder: HTMLElement;
  plot: uPlot | null;
  /** Series labels and scale the plot was built for: it is rebuilt when they change. */
  shape: string;
  points: number;
}

const cssColour = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
const valueText = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '—'
    : Math.abs(value) >= 1000
      ? Math.round(value).toLocaleString('en')
      : String(Number(value.toPrecision(4)));

/** The legend's value of a series: under the cursor, or its latest value while the cursor is elsewhere. */
function legendValue(self: uPlot, value: number | null, seriesIndex: number, idx: number | null): string {
  if (idx !== null) return valueText(value);
  const column = self.data[seriesIndex] ?? [];
  for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null && column[i] !== undefined) return valueText(column[i]);
  return '—';
}

/** One curve of a chart: which run's records, which metric keys, how it is drawn. */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly source: ChartSource;
  readonly keys: readonly string[];
  readonly dash: boolean;
  readonly sparse: boolean;
}

/**
 * The curves a chart draws: the spec's series that `sources` have data for, the first source alone or, when
 * overlaying, every source in the comparison's colours (the selected run first), labelled by run.
 */
export function chartSeries(spec: ChartSpec, sources: readonly ChartSource[], overlaid: boolean): ChartSeries[] {
  const has = (source: ChartSource, keys: readonly string[]) => source.records.some((record) => keys.some((key) => Number.isFinite(record[key])));
  const shown = overlaid ? sources : sources.slice(0, 1);
  return shown.flatMap((source, run) =>
    spec.series
      .filter((series) => has(source, series.keys))
      .map((series, index) => ({
        label: overlaid ? (spec.series.length > 1 ? `${source.label}: ${series.short ?? series.label}` : source.label) : series.label,
        color: overlaid ? SERIES_COLOURS[run % SERIES_COLOURS.length] : series.color,
        source,
        keys: series.keys,
        // A run's second and further series (its evaluation beside its training return) dashed, in its colour.
        dash: overlaid && index > 0,
        sparse: series.sparse ?? false,
      })),
  );
}

/**
 * uPlot's columns for `series`: one x column (every run's env steps joined, sorted), then per series its values,
 * null where its run logged nothing at that x (the first of its keys a record has).
 */
export function chartColumns(series: readonly ChartSeries[]): (number | null)[][] {
  const xs = [...new Set(series.flatMap((s) => s.source.records.map((record) => record.envSteps)))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const columns: (number | null)[][] = [xs, ...series.map(() => xs.map(() => null))];
  series.forEach((s, i) => {
    for (const record of s.source.records) {
      const key = s.keys.find((candidate) => Number.isFinite(record[candidate]));
      if (key !== undefined) columns[i + 1][at.get(record.envSteps) as number] = record[key];
    }
  });
  return columns;
}

/**
 * The row of charts under the 3D view: the selected run's curves (or every ticked run's, overlaid), each chart
 * with a legend that shows the values under the cursor, compact ticks (100k, 1.2M) spaced so they never
 * collide, room for the y labels, and a linear or log y scale (symmetric log, so negative returns work too).
 * Redraws are batched by the caller (a few times per second), never per point.
 */
export class ChartStrip {
  private readonly plots: Plot[] = [];
  private sources: readonly ChartSource[] = [];
  private overlaid = false;
  private scale: YScale = 'linear';

  constructor(
    private readonly container: HTMLElement,
    specs: readonly ChartSpec[],
  ) {
    for (const spec of specs) {
      const holder = document.createElement('div');
      holder.dataset.chart = spec.id;
      container.appendChild(holder);
      this.plots.push({ spec, holder, plot: null, shape: '', points: 0 });
    }
    new ResizeObserver(() => this.resize()).observe(container);
  }

  /** The runs drawn: the first is the selected run; the others are drawn too when overlaying. */
  setSources(sources: readonly ChartSource[]): void {
    this.sources = sources;
  }

  setOverlay(overlaid: boolean): void {
    this.overlaid = overlaid;
  }

  setScale(scale: YScale): void {
    this.scale = scale;
  }

  redraw(): void {
    for (const entry of this.plots) this.draw(entry);
  }

  /** Points on a chart's curves of the selected run (what the e2e tests read to see a curve gain points). */
  pointCount(id: string): number {
    return this.plots.find((entry) => entry.spec.id === id)?.points ?? 0;
  }

  /**
   * What a chart shows now (read by the e2e tests): its series' labels, and where the middle of its values' range is
   * drawn, as a share of the way from the lowest value to the highest (0.5 on a linear scale).
   */
  shown(id: string): { readonly series: string[]; readonly midShare: number | null } {
    const entry = this.plots.find((plot) => plot.spec.id === id);
    const plot = entry?.plot;
    if (!entry || !plot) return { series: [], midShare: null };
    const values = plot.data.slice(1).flatMap((column) => [...column].filter((value): value is number => value !== null && value !== undefined));
    const [low, high] = [Math.min(...values), Math.max(...values)];
    const [y0, yMid, y1] = [low, (low + high) / 2, high].map((value) => plot.valToPos(value, 'y'));
    return {
      series: plot.series.slice(1).map((series) => String(series.label)),
      midShare: values.length > 1 && y1 !== y0 ? (yMid - y0) / (y1 - y0) : null,
    };
  }

  private draw(entry: Plot): void {
    const series = chartSeries(entry.spec, this.sources, this.overlaid);
    const columns = chartColumns(series);
    entry.points = series.length === 0 ? 0 : columns[1].filter((value) => value !== null).length;
    const shape = `${this.scale}|${series.map((s) => `${s.label}:${s.color}`).join('|')}`;
    if (shape !== entry.shape || !entry.plot) {
      entry.plot?.destroy();
      entry.plot = this.build(entry, series, columns);
      entry.shape = shape;
      entry.plot.setSize(this.size(entry));
    } else entry.plot.setData(columns as uPlot.AlignedData);
  }

  private build(entry: Plot, series: readonly ChartSeries[], columns: (number | null)[][]): uPlot {
    const text = cssColour('--muted', '#4f5866');
    const grid = { stroke: 'rgba(128,128,128,0.18)', width: 1 };
    const ticks = (_: uPlot, values: number[]) => values.map((value) => (value === null ? '' : tickLabel(value)));
    const yWidth = (self: uPlot, values: string[] | null) => {
      // Wide enough for the longest label: y labels are never clipped.
      const longest = Math.max(3, ...(values ?? []).map((value) => String(value).length));
      return 14 + longest * 7.5;
    };
    return new uPlot(
      {
        title: entry.spec.title,
        ...this.size(entry),
        legend: { show: true, live: true },
        cursor: { points: { size: 6 } },
        scales: { x: { time: false }, y: this.scale === 'log' ? { distr: 4, asinh: 1 } : {} },
        axes: [
          { stroke: text, grid, ticks: grid, values: ticks, space: 56, font: '11.5px system-ui, sans-serif' },
          { stroke: text, grid, ticks: grid, values: ticks, size: yWidth, space: 28, font: '11.5px system-ui, sans-serif' },
        ],
        series: [
          { label: 'env steps', value: legendValue },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.5,
            spanGaps: true,
            dash: s.dash ? [5, 3] : undefined,
            points: s.sparse ? { show: true, size: 6, fill: s.color } : undefined,
            value: legendValue,
          })),
        ],
      },
      columns as uPlot.AlignedData,
      entry.holder,
    );
  }

  /** The plot's own area: the holder's, less the title and the legend's lines (two are always kept for it). */
  private size(entry: Plot): { width: number; height: number } {
    const width = Math.max(160, entry.holder.clientWidth);
    const lines = entry.plot
      ? legendLines(
          entry.plot.series.map((series) => String(series.label)),
          width,
        )
      : 2;
    return { width, height: Math.max(60, this.container.clientHeight - 62 - LEGEND_LINE_PX * Math.max(0, lines - 2)) };
  }

  private resize(): void {
    for (const entry of this.plots) entry.plot?.setSize(this.size(entry));
  }
}
