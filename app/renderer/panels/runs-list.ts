import type { LiveRun } from '../training/live-run.ts';
import { matchesSearch, newestFirst, phaseLabel, renameTarget, runFigures, runTooltip, searchText } from './run-rows.ts';

/**
 * The runs list, newest first: full name, state, steps and last return; a check box per run for the
 * comparison; the search box filters by name, robot or algorithm. Rename edits the name in place.
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
    const all = newestFirst(runs);
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

  /** The name of the run at the top of the list (the newest), or null when there is none. */
  firstRun(): string | null {
    return this.list.querySelector<HTMLLIElement>('li')?.dataset.run ?? null;
  }

  private createItem(run: LiveRun): HTMLLIElement {
    const name = run.stored.name;
    const item = document.createElement('li');
    item.dataset.run = name;
    item.dataset.search = searchText(run);
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
    phase.className = 'run-phase';
    const figures = document.createElement('span');
    figures.className = 'run-figures';
    item.append(box, title, phase, figures);
    item.addEventListener('click', () => this.onSelect(name));
    return item;
  }

  private updateItem(item: HTMLLIElement, run: LiveRun): void {
    const name = run.stored.name;
    item.setAttribute('aria-selected', String(name === this.selected));
    item.title = runTooltip(run);
    const phase = item.querySelector<HTMLElement>('.run-phase');
    const figures = item.querySelector<HTMLElement>('.run-figures');
    if (!phase || !figures) return;
    phase.className = `run-phase phase-${run.phase}`;
    phase.textContent = phaseLabel(run.phase);
    figures.textContent = runFigures(run);
  }

  /**
   * Replaces the run's name with a text field (Enter renames, Escape or leaving the field cancels); a refused
   * name keeps the field open with the reason under it. Used instead of window.prompt, which Electron lacks.
   */
  editName(name: string, rename: (newName: string) => Promise<void>): void {
    const item = this.list.querySelector<HTMLLIElement>(`li[data-run="${CSS.escape(name)}"]`);
    const title = item?.querySelector<HTMLElement>('.run-name');
    if (!item || !title || item.querySelector('.rename-field')) return;
    const field = document.createElement('input');
    field.type = 'text';
    field.className = 'rename-field';
    field.value = name;
    field.setAttribute('aria-label', `New name for ${name}`);
    const reason = document.createElement('span');
    reason.className = 'rename-error';
    reason.setAttribute('role', 'alert');
    let busy = false;
    const close = () => {
      field.remove();
      reason.remove();
      title.hidden = false;
    };
    field.addEventListener('click', (event) => event.stopPropagation());
    field.addEventListener('blur', () => !busy && close());
    field.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key === 'Escape') close();
      if (event.key !== 'Enter') return;
      const newName = renameTarget(name, field.value);
      if (newName === null) return close();
      busy = true;
      rename(newName)
        .then(close)
        .catch((error: unknown) => {
          reason.textContent = error instanceof Error ? error.message : String(error);
          field.focus();
        })
        .finally(() => (busy = false));
    });
    title.hidden = true;
    title.after(field);
    item.append(reason);
    field.focus();
    field.select();
  }

  private applyFilter(): void {
    for (const item of this.list.querySelectorAll<HTMLLIElement>('li')) item.hidden = !matchesSearch(item.dataset.search ?? '', this.search.value);
  }
}
