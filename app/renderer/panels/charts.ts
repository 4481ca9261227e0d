import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsRecord } from '../../../agents/contract.ts';
import { tickLabel } from '../../runtime/report-svg.ts';

/** One live chart of the bottom strip: a title and one or more series sharing the x axis (env steps). */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Each series plots the first of its metric keys a record has; a series no record has is left out. */
  readonly series: readonly { readonly label: string; readonly color: string; readonly keys: readonly string[] }[];
}

export const trainingCharts: readonly ChartSpec[] = [
  {
    id: 'return',
    title: 'Episode return',
    series: [
      { label: 'training (with exploration noise)', color: '#d4581c', keys: ['episode_return'] },
      { label: 'evaluation (deterministic)', color: '#2870c2', keys: ['eval_return'] },
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

/** Colours of overlaid runs (the first is the selected run). */
const RUN_COLOURS = ['#d4581c', '#2870c2', '#1d8a60', '#7d4cc4', '#b7860f', '#c0392b', '#138496', '#4f5866'];

/** A run whose curves the strip draws. */
export interface ChartSource {
  readonly label: string;
  readonly records: readonly MetricsRecord[];
}

export type YScale = 'linear' | 'log';

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

  /** The series a chart draws now: the spec's series with data, per run when overlaying. */
  private seriesOf(spec: ChartSpec): { label: string; color: string; source: ChartSource; keys: readonly string[]; dash: boolean }[] {
    const has = (source: ChartSource, keys: readonly string[]) => source.records.some((record) => keys.some((key) => Number.isFinite(record[key])));
    const shown = this.overlaid ? this.sources : this.sources.slice(0, 1);
    return shown.flatMap((source, run) =>
      spec.series
        .filter((series) => has(source, series.keys))
        .map((series, index) => ({
          label: this.overlaid ? (spec.series.length > 1 ? `${source.label}: ${series.label}` : source.label) : series.label,
          color: this.overlaid ? RUN_COLOURS[run % RUN_COLOURS.length] : series.color,
          source,
          keys: series.keys,
          dash: this.overlaid && index > 0,
        })),
    );
  }

  private draw(entry: Plot): void {
    const series = this.seriesOf(entry.spec);
    // One x column for every run (their env steps joined), each series null where its run logged nothing.
    const xs = [...new Set(series.flatMap((s) => s.source.records.map((record) => record.envSteps)))].sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const columns: (number | null)[][] = [xs, ...series.map(() => xs.map(() => null))];
    series.forEach((s, i) => {
      for (const record of s.source.records) {
        const key = s.keys.find((candidate) => Number.isFinite(record[candidate]));
        if (key !== undefined) columns[i + 1][at.get(record.envSteps) as number] = record[key];
      }
    });
    entry.points = series.length === 0 ? 0 : columns[1].filter((value) => value !== null).length;
    const shape = `${this.scale}|${series.map((s) => `${s.label}:${s.color}`).join('|')}`;
    if (shape !== entry.shape || !entry.plot) {
      entry.plot?.destroy();
      entry.plot = this.build(entry, series, columns);
      entry.shape = shape;
    } else entry.plot.setData(columns as uPlot.AlignedData);
  }

  private build(entry: Plot, series: ReturnType<ChartStrip['seriesOf']>, columns: (number | null)[][]): uPlot {
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
        ...this.size(entry.holder),
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
            value: legendValue,
          })),
        ],
      },
      columns as uPlot.AlignedData,
      entry.holder,
    );
  }

  /** The plot's own area: the holder's, less the title and legend lines. */
  private size(holder: HTMLElement): { width: number; height: number } {
    return { width: Math.max(160, holder.clientWidth), height: Math.max(90, this.container.clientHeight - 62) };
  }

  private resize(): void {
    for (const entry of this.plots) entry.plot?.setSize(this.size(entry.holder));
  }
}
