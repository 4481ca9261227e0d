import type { LiveRun, RunPhase } from '../training/run-manager.ts';

const PHASE_LABELS: Readonly<Record<RunPhase, string>> = {
  queued: 'queued',
  starting: 'starting',
  training: 'training',
  paused: 'paused',
  finished: 'finished',
  stopped: 'stopped',
  failed: 'failed',
  saved: 'saved',
  saving: 'saving',
  elsewhere: 'training elsewhere',
};

function compactSteps(steps: number): string {
  if (steps >= 1e6) return `${(steps / 1e6).toFixed(2)}M`;
  if (steps >= 1e3) return `${(steps / 1e3).toFixed(1)}k`;
  return String(steps);
}

export function lastReturn(run: LiveRun): number | null {
  for (let i = run.records.length - 1; i >= 0; i--) {
    const value = run.records[i].episode_return;
    if (Number.isFinite(value)) return value;
  }
  return null;
}

/**
 * The runs list: name, state, steps and last return; a check box per run for the comparison; the search box
 * filters by name, robot or algorithm.
 */
export class RunsList {
  readonly checked = new Set<string>();
  selected: string | null = null;

  constructor(
    private readonly list: HTMLUListElement,
    private readonly empty: HTMLElement,
    private readonly search: HTMLInputElement,
    private readonly onSelect: (name: string) => void,
    private readonly onCheck: () => void,
  ) {
    search.addEventListener('input', () => this.applyFilter());
  }

  /** Updates the list in place (items are kept while their run exists, so clicks never hit a replaced node). */
  render(runs: Iterable<LiveRun>): void {
    const all = [...runs].sort((a, b) => a.stored.name.localeCompare(b.stored.name));
    this.empty.hidden = all.length > 0;
    const existing = new Map([...this.list.querySelectorAll<HTMLLIElement>('li')].map((item) => [item.dataset.run ?? '', item]));
    const items = all.map((run) => {
      const item = existing.get(run.stored.name) ?? this.createItem(run);
      existing.delete(run.stored.name);
      this.updateItem(item, run);
      return item;
    });
    for (const stale of existing.values()) stale.remove();
    items.forEach((item, index) => {
      if (this.list.children[index] !== item) this.list.insertBefore(item, this.list.children[index] ?? null);
    });
    this.applyFilter();
  }

  private createItem(run: LiveRun): HTMLLIElement {
    const name = run.stored.name;
    const item = document.createElement('li');
    item.dataset.run = name;
    item.dataset.search = `${name} ${run.stored.config.robot} ${run.stored.config.algorithm}`.toLowerCase();
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.setAttribute('aria-label', `compare ${name}`);
    box.addEventListener('click', (event) => event.stopPropagation());
    box.addEventListener('change', () => {
      if (box.checked) this.checked.add(name);
      else this.checked.delete(name);
      this.onCheck();
    });
    const title = document.createElement('span');
    title.className = 'run-name';
    title.textContent = name;
    const phase = document.createElement('span');
    const figures = document.createElement('span');
    figures.className = 'run-figures';
    item.append(box, title, phase, figures);
    item.addEventListener('click', () => this.onSelect(name));
    return item;
  }

  private updateItem(item: HTMLLIElement, run: LiveRun): void {
    const name = run.stored.name;
    item.setAttribute('aria-selected', String(name === this.selected));
    item.title = run.detail ? `${name}: ${run.detail}` : name;
    const [, , phase, figures] = item.children as unknown as HTMLElement[];
    phase.className = `run-phase phase-${run.phase}`;
    phase.textContent = PHASE_LABELS[run.phase];
    const ret = lastReturn(run);
    figures.textContent = `${compactSteps(run.envSteps)} steps${ret === null ? '' : ` · ${ret.toFixed(1)}`}`;
  }

  private applyFilter(): void {
    const query = this.search.value.trim().toLowerCase();
    for (const item of this.list.querySelectorAll<HTMLLIElement>('li')) item.hidden = query !== '' && !(item.dataset.search ?? '').includes(query);
  }
}
