import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One live chart of the bottom strip: a title and one or more series sharing the x axis (env steps). */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Each series plots the first of its metric keys a record has. */
  readonly series: readonly { readonly label: string; readonly color: string; readonly keys: readonly string[] }[];
}

export const trainingCharts: readonly ChartSpec[] = [
  { id: 'return', title: 'Episode return', series: [{ label: 'training', color: '#e8692a', keys: ['episode_return'] }, { label: 'evaluation', color: '#2f7fd1', keys: ['eval_return'] }] },
  { id: 'length', title: 'Episode length', series: [{ label: 'length', color: '#2f7fd1', keys: ['episode_length'] }] },
  {
    id: 'losses',
    title: 'Losses',
    series: [
      { label: 'actor', color: '#8e5bd6', keys: ['actor_loss', 'policy_loss'] },
      { label: 'critic', color: '#2aa876', keys: ['critic_loss', 'value_loss'] },
    ],
  },
  {
    id: 'entropy',
    title: 'Policy',
    series: [
      { label: 'entropy', color: '#d6a22a', keys: ['entropy'] },
      { label: 'kl', color: '#c0392b', keys: ['approx_kl', 'kl'] },
      { label: 'alpha', color: '#2f7fd1', keys: ['alpha'] },
    ],
  },
  { id: 'speed', title: 'Env steps / s', series: [{ label: 'steps/s', color: '#5d6573', keys: ['steps_per_s'] }] },
];

/**
 * A row of uPlot charts fed with appended points. Data are kept in growable columns; redraws are batched by
 * the caller (a few times per second), never per point.
 */
export class ChartStrip {
  private readonly plots = new Map<string, { plot: uPlot; columns: number[][]; spec: ChartSpec }>();

  constructor(private readonly container: HTMLElement, specs: readonly ChartSpec[]) {
    for (const spec of specs) {
      const holder = document.createElement('div');
      holder.dataset.chart = spec.id;
      container.appendChild(holder);
      const columns: number[][] = [[], ...spec.series.map(() => [])];
      const plot = new uPlot(
        {
          title: spec.series.length > 1 ? `${spec.title}: ${spec.series.map((series) => series.label).join(' · ')}` : spec.title,
          width: 300,
          height: 150,
          legend: { show: false },
          scales: { x: { time: false } },
          axes: [{ stroke: '#8a93a3', grid: { stroke: 'rgba(128,128,128,0.15)' } }, { stroke: '#8a93a3', grid: { stroke: 'rgba(128,128,128,0.15)' }, size: 50 }],
          series: [{ label: 'env steps' }, ...spec.series.map((series) => ({ label: series.label, stroke: series.color, width: 1.5, spanGaps: true }))],
        },
        columns as uPlot.AlignedData,
        holder,
      );
      this.plots.set(spec.id, { plot, columns, spec });
    }
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
  }

  /** Appends one x value and the y values of each series (null where a series has no value at x). */
  append(id: string, x: number, ys: readonly (number | null)[]): void {
    const entry = this.plots.get(id);
    if (!entry) throw new Error(`unknown chart '${id}'`);
    entry.columns[0].push(x);
    for (let i = 1; i < entry.columns.length; i++) entry.columns[i].push((ys[i - 1] ?? null) as number);
  }

  /** Adds a metrics record to every chart that plots one of its keys. */
  appendRecord(record: Readonly<Record<string, number>>): void {
    for (const entry of this.plots.values()) {
      const ys = entry.spec.series.map((series) => {
        const key = series.keys.find((candidate) => Number.isFinite(record[candidate]));
        return key === undefined ? null : record[key];
      });
      if (ys.some((y) => y !== null)) this.append(entry.spec.id, record.envSteps, ys);
    }
  }

  clear(): void {
    for (const entry of this.plots.values()) {
      for (const column of entry.columns) column.length = 0;
      entry.plot.setData(entry.columns as uPlot.AlignedData);
    }
  }

  redraw(): void {
    for (const entry of this.plots.values()) entry.plot.setData(entry.columns as uPlot.AlignedData);
  }

  /** Points held by a chart (what the e2e tests read to see a curve gain points). */
  pointCount(id: string): number {
    return this.plots.get(id)?.columns[0].length ?? 0;
  }

  private resize(): void {
    for (const [id, entry] of this.plots) {
      const holder = this.container.querySelector<HTMLElement>(`[data-chart="${id}"]`);
      if (!holder) continue;
      const width = Math.max(160, holder.clientWidth);
      entry.plot.setSize({ width, height: Math.max(100, this.container.clientHeight - 30) });
    }
  }
}
