import uPlot from 'uplot';
import { band, solvedThreshold, summariseAlgorithms, summariseRun } from '../../runtime/report.ts';
import { curvesCsv, evaluationCell, pm, sortedGroups, tableCsv, type RobotComparison, type SortKey } from './comparison.ts';
import { SERIES_COLOURS, SERIES_DASH, isDashed, learningCurvesSvg, tickLabel } from '../../runtime/report-svg.ts';
import type { LiveRun } from '../training/live-run.ts';
import { downloadBlob } from './download.ts';

const CHART_HEIGHT = 320;

type Axis = 'envSteps' | 'wallTime';
type GroupBy = 'algorithm' | 'run';

function withAlpha(hex: string, alpha: number): string {
  const value = parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** Renders an SVG to a PNG at `scale`x on an opaque white background (an SVG drawn into a canvas). */
async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth * scale;
    canvas.height = image.naturalHeight * scale;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be encoded'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The comparison: the runs ticked in the list, one section per robot, grouped by algorithm (mean ± std over
 * seeds) or one curve per run; x in env steps or wall time, adjustable smoothing; a legend with the values
 * under the cursor, a sortable table; Export PNG (the figure of `sinew report`: title, legend, axis labels,
 * opaque background) and Export CSV (the curves, and the table). The numbers come from app/runtime/report.ts,
 * the same code as `sinew report`.
 */
export class CompareView {
  private axis: Axis = 'envSteps';
  private groupBy: GroupBy = 'algorithm';
  private smoothing = 5;
  private sortKey: SortKey = 'final';
  private plots: uPlot[] = [];
  private comparisons: RobotComparison[] = [];
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly selectedRuns: () => LiveRun[],
  ) {
    root.classList.add('compare');
    const toolbar = document.createElement('div');
    toolbar.className = 'compare-toolbar';
    toolbar.innerHTML = `
      <label>x axis <select name="axis"><option value="envSteps">env steps</option><option value="wallTime">wall time (s)</option></select></label>
      <label>curves <select name="group"><option value="algorithm">per algorithm (mean ± std over seeds)</option><option value="run">per run</option></select></label>
      <label>smoothing <input name="smoothing" type="range" min="1" max="50" value="5" /> <output>5</output></label>
      <button type="button" name="png">Export PNG</button>
      <button type="button" name="csv">Export CSV (curves)</button>
      <button type="button" name="table">Export CSV (table)</button>`;
    this.note = document.createElement('p');
    this.note.className = 'compare-note';
    this.body = document.createElement('div');
    this.body.className = 'compare-body';
    root.append(toolbar, this.note, this.body);
    const select = <T extends Element>(selector: string) => toolbar.querySelector<T>(selector);
    const axis = select<HTMLSelectElement>('select[name=axis]');
    const group = select<HTMLSelectElement>('select[name=group]');
    const smoothing = select<HTMLInputElement>('input[name=smoothing]');
    const output = select('output');
    axis?.addEventListener('change', () => {
      this.axis = axis.value as Axis;
      this.refresh();
    });
    group?.addEventListener('change', () => {
      this.groupBy = group.value as GroupBy;
      this.refresh();
    });
    smoothing?.addEventListener('input', () => {
      this.smoothing = Number(smoothing.value);
      if (output) output.textContent = smoothing.value;
      this.refresh();
    });
    select('button[name=png]')?.addEventListener('click', () => void this.exportPng());
    select('button[name=csv]')?.addEventListener('click', () => this.exportCurves());
    select('button[name=table]')?.addEventListener('click', () => this.exportTable());
    new ResizeObserver(() => this.resize()).observe(this.body);
  }

  refresh(): void {
    if (this.root.hidden) return;
    const runs = this.selectedRuns();
    const robots = [...new Set(runs.map((run) => run.stored.config.robot))].sort();
    this.comparisons = robots.map((robot) => {
      const threshold = solvedThreshold(robot);
      const summaries = runs
        .filter((run) => run.stored.config.robot === robot)
        .map((run) => {
          const { name, config } = run.stored;
          // Grouping per run: each run its own group, named by the run.
          const algorithm = this.groupBy === 'run' ? name : config.algorithm;
          return summariseRun({ name, robot, algorithm, seed: config.seed, records: run.records }, threshold, this.smoothing);
        });
      return { robot, threshold, groups: summariseAlgorithms(summaries) };
    });
    if (runs.length === 0)
      this.note.textContent = 'Tick runs in the list on the left to compare them (for example one robot with several algorithms and seeds).';
    else {
      const pooled = this.groupBy === 'algorithm' ? 'grouped by algorithm: mean ± std over seeds' : 'one curve per run';
      const split =
        robots.length > 1
          ? ` The ticked runs train ${robots.length} robots (${robots.join(', ')}): their returns are on different scales, so each robot has its own chart and table.`
          : '';
      this.note.textContent = `${runs.length} run${runs.length === 1 ? '' : 's'}, ${pooled}. Training returns are those of the episodes played while learning, with exploration noise, smoothed over ${this.smoothing} episode${this.smoothing === 1 ? '' : 's'}: the curves and the training columns. The evaluation return is deterministic (no exploration noise): the mean over the episodes of each run's last periodic evaluation.${split}`;
    }
    this.render();
  }

  /** Number of groups shown over all robots (read by the e2e tests). */
  get groupCount(): number {
    return this.comparisons.reduce((sum, comparison) => sum + comparison.groups.length, 0);
  }

  private render(): void {
    for (const plot of this.plots) plot.destroy();
    this.plots = [];
    this.body.replaceChildren(
      ...this.comparisons.map((comparison) => {
        const section = document.createElement('section');
        section.className = 'compare-robot';
        section.dataset.robot = comparison.robot;
        const chart = document.createElement('div');
        chart.className = 'compare-chart';
        const table = document.createElement('table');
        table.className = 'compare-table';
        section.append(chart, table);
        this.drawTable(table, comparison);
        return section;
      }),
    );
    // Charts after the sections are in the page, so that they take its width.
    this.comparisons.forEach((comparison, i) => {
      const holder = this.body.children[i]?.querySelector<HTMLElement>('.compare-chart');
      if (holder) this.plots.push(this.drawChart(holder, comparison));
    });
  }

  private drawChart(holder: HTMLElement, comparison: RobotComparison): uPlot {
    const bands = comparison.groups.map((group) => band(group.runs, this.axis, 150));
    const xs = [...new Set(bands.flatMap((b) => b.x))].sort((a, b) => a - b);
    const data: (number | null)[][] = [xs];
    const series: uPlot.Series[] = [
      { label: this.axis === 'envSteps' ? 'env steps' : 'wall time (s)', value: (_, x) => (x === null ? '—' : tickLabel(x)) },
    ];
    const bandsOption: uPlot.Band[] = [];
    comparison.groups.forEach((group, g) => {
      const b = bands[g];
      const at = new Map(b.x.map((x, i) => [x, i]));
      const column = (pick: (i: number) => number) => xs.map((x) => (at.has(x) ? pick(at.get(x) as number) : null));
      const color = SERIES_COLOURS[g % SERIES_COLOURS.length];
      const base = data.length;
      data.push(
        column((i) => b.mean[i] + b.std[i]),
        column((i) => b.mean[i]),
        column((i) => b.mean[i] - b.std[i]),
      );
      // The ±std edges only bound the band: no line, no legend entry.
      const edge: uPlot.Series = { label: 'std', class: 'std-edge', stroke: 'transparent', spanGaps: true, width: 0, points: { show: false } };
      const n = group.runs.length;
      const label = this.groupBy === 'run' ? group.algorithm : `${group.algorithm} (${n} seed${n === 1 ? '' : 's'})`;
      const value = (self: uPlot, mean: number | null, _: number, idx: number | null) => {
        if (mean === null || idx === null) return '—';
        const std = (self.data[base][idx] ?? mean) - mean;
        return n > 1 ? `${mean.toFixed(2)} ± ${std.toFixed(2)}` : mean.toFixed(2);
      };
      series.push(edge, { label, stroke: color, width: 2, spanGaps: true, dash: isDashed(g) ? [...SERIES_DASH] : undefined, value }, { ...edge });
      if (n > 1) bandsOption.push({ series: [base, base + 2], fill: withAlpha(color, 0.18) });
    });
    const text = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#4f5866';
    const ticks = (_: uPlot, values: number[]) => values.map((value) => tickLabel(value));
    return new uPlot(
      {
        title: `${comparison.robot}: training return${this.groupBy === 'algorithm' ? ' (mean ± std over seeds)' : ''}`,
        width: Math.max(300, holder.clientWidth),
        height: CHART_HEIGHT,
        scales: { x: { time: false } },
        axes: [
          { stroke: text, values: ticks, space: 70, label: this.axis === 'envSteps' ? 'environment steps' : 'wall time (s)', labelSize: 22 },
          { stroke: text, values: ticks, size: 56, label: 'episode return', labelSize: 22 },
        ],
        series,
        bands: bandsOption,
      },
      data as uPlot.AlignedData,
      holder,
    );
  }

  private drawTable(table: HTMLTableElement, comparison: RobotComparison): void {
    const sorted = sortedGroups(comparison.groups, this.sortKey);
    const first = this.groupBy === 'run' ? 'run' : 'algorithm';
    const headers: [SortKey, string][] = [
      ['algorithm', first],
      ['final', 'final training return'],
      ['best', 'best training return'],
      ['evaluation', 'last evaluation return (deterministic)'],
      ['reached', `steps to ${comparison.threshold ?? 'threshold'}`],
      ['speed', 'env steps/s'],
    ];
    const head = document.createElement('tr');
    for (const [key, label] of headers) {
      const th = document.createElement('th');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = key === this.sortKey ? `${label} ▾` : label;
      button.addEventListener('click', () => {
        this.sortKey = key;
        this.render();
      });
      th.append(button);
      head.append(th);
    }
    const rows = sorted.map((group) => {
      const tr = document.createElement('tr');
      const n = group.runs.length;
      const reached = group.reachedEnvSteps ? `${pm(group.reachedEnvSteps, 0)} (${group.reachedEnvSteps.n}/${n})` : `not reached (0/${n})`;
      const name = this.groupBy === 'run' ? group.algorithm : `${group.algorithm} (${n} seed${n === 1 ? '' : 's'})`;
      for (const text of [name, pm(group.finalReturn, 2), pm(group.bestReturn, 2), evaluationCell(group), reached, pm(group.stepsPerSecond, 0)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    });
    table.replaceChildren(head, ...rows);
  }

  /** Every run's smoothed training-return curve, one row per point (tidy: ready for pandas or a spreadsheet). */
  private exportCurves(): void {
    const algorithmOf = (run: string) => this.selectedRuns().find((live) => live.stored.name === run)?.stored.config.algorithm ?? '';
    downloadBlob(
      new Blob([curvesCsv(this.comparisons, this.groupBy === 'run' ? algorithmOf : null)], { type: 'text/csv' }),
      'sinew-comparison-curves.csv',
    );
  }

  private exportTable(): void {
    downloadBlob(new Blob([tableCsv(this.comparisons)], { type: 'text/csv' }), 'sinew-comparison.csv');
  }

  /** The report's figure (both x axes, title, legend, axis labels, opaque background), one PNG per robot. */
  private async exportPng(): Promise<void> {
    for (const { robot, groups } of this.comparisons) {
      const series = groups.map((group) => ({
        label: this.groupBy === 'run' ? group.algorithm : `${group.algorithm} (n=${group.runs.length})`,
        byEnvSteps: band(group.runs, 'envSteps'),
        byWallTime: band(group.runs, 'wallTime'),
      }));
      const title = `${robot}: training return (with exploration noise)${this.groupBy === 'algorithm' ? ', mean ± std over seeds' : ''}`;
      downloadBlob(await svgToPng(learningCurvesSvg(title, series)), `sinew-comparison-${robot}.png`);
    }
  }

  private resize(): void {
    this.plots.forEach((plot) => plot.setSize({ width: Math.max(300, this.body.clientWidth), height: CHART_HEIGHT }));
  }
}
