import uPlot from 'uplot';
import { band, solvedThreshold, summariseAlgorithms, summariseRun, type AlgorithmSummary, type MeanStd } from '../../runtime/report.ts';
import type { LiveRun } from '../training/run-manager.ts';
import { downloadBlob } from './download.ts';

const PALETTE = ['#e8692a', '#2f7fd1', '#2aa876', '#8e5bd6', '#d6a22a', '#c0392b', '#17a2b8', '#6c757d'];

type Axis = 'envSteps' | 'wallTime';
type SortKey = 'algorithm' | 'final' | 'best' | 'reached' | 'speed';

function withAlpha(hex: string, alpha: number): string {
  const value = parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

const pm = (stats: MeanStd | null, digits = 1): string => (stats ? `${stats.mean.toFixed(digits)} ± ${stats.std.toFixed(digits)}` : '—');

/**
 * The comparison: the runs checked in the list, grouped by algorithm, as mean ± std learning curves (x in env
 * steps or wall time, adjustable smoothing) and a sortable table; the table exports as CSV, the chart as PNG.
 * The numbers come from app/runtime/report.ts, the same code as `sinew report`.
 */
export class CompareView {
  private axis: Axis = 'envSteps';
  private smoothing = 5;
  private sortKey: SortKey = 'final';
  private plot: uPlot | null = null;
  private groups: AlgorithmSummary[] = [];
  private readonly chartHolder: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly note: HTMLElement;

  constructor(private readonly root: HTMLElement, private readonly selectedRuns: () => LiveRun[]) {
    root.classList.add('compare');
    const toolbar = document.createElement('div');
    toolbar.className = 'compare-toolbar';
    toolbar.innerHTML = `
      <label>x axis <select name="axis"><option value="envSteps">env steps</option><option value="wallTime">wall time (s)</option></select></label>
      <label>smoothing <input name="smoothing" type="range" min="1" max="50" value="5" /> <output>5</output></label>
      <button type="button" name="csv">Export CSV</button>
      <button type="button" name="png">Export PNG</button>`;
    this.note = document.createElement('p');
    this.note.className = 'empty';
    this.chartHolder = document.createElement('div');
    this.chartHolder.className = 'compare-chart';
    this.table = document.createElement('table');
    this.table.className = 'compare-table';
    root.append(toolbar, this.note, this.chartHolder, this.table);
    const axis = toolbar.querySelector<HTMLSelectElement>('select[name=axis]');
    const smoothing = toolbar.querySelector<HTMLInputElement>('input[name=smoothing]');
    const output = toolbar.querySelector('output');
    axis?.addEventListener('change', () => {
      this.axis = axis.value as Axis;
      this.refresh();
    });
    smoothing?.addEventListener('input', () => {
      this.smoothing = Number(smoothing.value);
      if (output) output.textContent = smoothing.value;
      this.refresh();
    });
    toolbar.querySelector('button[name=csv]')?.addEventListener('click', () => this.exportCsv());
    toolbar.querySelector('button[name=png]')?.addEventListener('click', () => this.exportPng());
    new ResizeObserver(() => this.resize()).observe(this.chartHolder);
  }

  refresh(): void {
    if (this.root.hidden) return;
    const runs = this.selectedRuns();
    const robots = [...new Set(runs.map((run) => run.stored.config.robot))];
    if (runs.length === 0) this.note.textContent = 'Tick runs in the list on the left to compare them (for example the same robot with several algorithms and seeds).';
    else if (robots.length > 1) this.note.textContent = `The ticked runs train different robots (${robots.join(', ')}): returns are not comparable. Tick runs of one robot.`;
    else this.note.textContent = `${runs.length} runs of ${robots[0]}, grouped by algorithm: mean ± std over seeds.`;
    const threshold = robots.length === 1 ? solvedThreshold(robots[0]) : null;
    const summaries = robots.length === 1 ? runs.map((run) => summariseRun({ name: run.stored.name, robot: run.stored.config.robot, algorithm: run.stored.config.algorithm, seed: run.stored.config.seed, records: run.records }, threshold, this.smoothing)) : [];
    this.groups = summariseAlgorithms(summaries);
    this.drawChart();
    this.drawTable(threshold);
  }

  /** Number of algorithm groups shown (read by the e2e tests). */
  get groupCount(): number {
    return this.groups.length;
  }

  private drawChart(): void {
    this.plot?.destroy();
    this.plot = null;
    if (this.groups.length === 0) return;
    const bands = this.groups.map((group) => band(group.runs, this.axis, 150));
    const xs = [...new Set(bands.flatMap((b) => b.x))].sort((a, b) => a - b);
    const data: (number | null)[][] = [xs];
    const series: uPlot.Series[] = [{ label: this.axis === 'envSteps' ? 'env steps' : 'wall time (s)' }];
    const bandsOption: uPlot.Band[] = [];
    this.groups.forEach((group, g) => {
      const b = bands[g];
      const at = new Map(b.x.map((x, i) => [x, i]));
      const column = (pick: (i: number) => number) => xs.map((x) => (at.has(x) ? pick(at.get(x) as number) : null));
      const color = PALETTE[g % PALETTE.length];
      const base = data.length;
      data.push(column((i) => b.mean[i] + b.std[i]), column((i) => b.mean[i]), column((i) => b.mean[i] - b.std[i]));
      series.push({ label: `${group.algorithm} +std`, stroke: withAlpha(color, 0.25), spanGaps: true, width: 0.5 });
      series.push({ label: `${group.algorithm} (n=${group.runs.length})`, stroke: color, width: 2, spanGaps: true });
      series.push({ label: `${group.algorithm} -std`, stroke: withAlpha(color, 0.25), spanGaps: true, width: 0.5 });
      bandsOption.push({ series: [base, base + 2], fill: withAlpha(color, 0.18) });
    });
    this.plot = new uPlot(
      { title: 'Episode return (mean ± std over seeds)', width: Math.max(300, this.chartHolder.clientWidth), height: Math.max(220, this.chartHolder.clientHeight - 40), scales: { x: { time: false } }, series, bands: bandsOption },
      data as uPlot.AlignedData,
      this.chartHolder,
    );
  }

  private drawTable(threshold: number | null): void {
    const value: Record<SortKey, (group: AlgorithmSummary) => number | string> = {
      algorithm: (group) => group.algorithm,
      final: (group) => group.finalReturn?.mean ?? -Infinity,
      best: (group) => group.bestReturn?.mean ?? -Infinity,
      reached: (group) => group.reachedEnvSteps?.mean ?? Infinity,
      speed: (group) => group.stepsPerSecond?.mean ?? 0,
    };
    const sorted = [...this.groups].sort((a, b) => {
      const [x, y] = [value[this.sortKey](a), value[this.sortKey](b)];
      if (typeof x === 'string' || typeof y === 'string') return String(x).localeCompare(String(y));
      return this.sortKey === 'reached' ? x - y : y - x;
    });
    const headers: [SortKey, string][] = [['algorithm', 'algorithm'], ['final', 'final return'], ['best', 'best return'], ['reached', `steps to ${threshold ?? 'threshold'}`], ['speed', 'env steps/s']];
    const head = document.createElement('tr');
    for (const [key, label] of headers) {
      const th = document.createElement('th');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = key === this.sortKey ? `${label} ▾` : label;
      button.addEventListener('click', () => {
        this.sortKey = key;
        this.drawTable(threshold);
      });
      th.append(button);
      head.append(th);
    }
    const rows = sorted.map((group) => {
      const tr = document.createElement('tr');
      const reached = group.reachedEnvSteps ? `${pm(group.reachedEnvSteps, 0)} (${group.reachedEnvSteps.n}/${group.runs.length})` : `not reached (0/${group.runs.length})`;
      for (const text of [`${group.algorithm} (${group.runs.length} seeds)`, pm(group.finalReturn, 2), pm(group.bestReturn, 2), reached, pm(group.stepsPerSecond, 0)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    });
    this.table.replaceChildren(head, ...rows);
  }

  private exportCsv(): void {
    const lines = ['algorithm,runs,final_return_mean,final_return_std,best_return_mean,best_return_std,steps_to_threshold_mean,steps_per_s_mean'];
    for (const group of this.groups) {
      const cell = (stats: MeanStd | null, key: 'mean' | 'std') => (stats ? String(stats[key]) : '');
      lines.push([group.algorithm, group.runs.length, cell(group.finalReturn, 'mean'), cell(group.finalReturn, 'std'), cell(group.bestReturn, 'mean'), cell(group.bestReturn, 'std'), cell(group.reachedEnvSteps, 'mean'), cell(group.stepsPerSecond, 'mean')].join(','));
    }
    downloadBlob(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }), 'sinew-comparison.csv');
  }

  private exportPng(): void {
    const canvas = this.plot?.ctx.canvas;
    if (!canvas) return;
    canvas.toBlob((blob) => blob && downloadBlob(blob, 'sinew-comparison.png'), 'image/png');
  }

  private resize(): void {
    this.plot?.setSize({ width: Math.max(300, this.chartHolder.clientWidth), height: Math.max(220, this.chartHolder.clientHeight - 40) });
  }
}
