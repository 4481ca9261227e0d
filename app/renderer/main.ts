import './styles/base.css';
import './styles/charts.css';
import './styles/panels.css';
import './styles/views.css';
import { algorithms } from '../../agents/registry.ts';
import { robotNames } from '../../sim/registry.ts';
import { version as sinewVersion } from '../../package.json';
import { installGlobalErrorHandlers, showError } from './errors.ts';
import { ChartStrip, trainingCharts } from './panels/charts.ts';
import { RunControls, type RunRequest } from './panels/run-controls.ts';
import { RunsList } from './panels/runs-list.ts';
import { controlState, summaryLine } from './panels/run-status.ts';
import { Stage, darkTheme, lightTheme } from './scene/stage.ts';
import { TrainView } from './scene/train-view.ts';
import { checkName, openRunStore } from './storage/run-store.ts';
import type { LiveRun } from './training/live-run.ts';
import { RunManager } from './training/run-manager.ts';
import { newRunConfig } from './training/new-run-config.ts';
import { PoliciesView } from './panels/policies-view.ts';
import { CompareView } from './panels/compare-view.ts';
import { RunWatch } from './panels/run-watch.ts';

installGlobalErrorHandlers();

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page lacks #${id}`);
  return found as T;
}

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
const stage = new Stage(element<HTMLCanvasElement>('scene'), darkQuery.matches ? darkTheme : lightTheme);
darkQuery.addEventListener('change', (event) => stage.applyTheme(event.matches ? darkTheme : lightTheme));
stage.start();
const trainView = new TrainView(stage, element('scene-caption'));
const charts = new ChartStrip(element('charts'), trainingCharts);
const summary = element('run-summary');
const store = await openRunStore();

let selected: LiveRun | null = null;
let chartsDirty = false;
let listDirty = false;

const manager = new RunManager(store, {
  runsChanged: () => {
    runsList.render(manager.runs.values());
    refreshSelection();
    compareView.refresh();
  },
  recordsAdded: (run) => {
    if (run === selected || runsList.checked.has(run.stored.name)) chartsDirty = true;
  },
  progress: (run) => {
    if (run === selected) renderSummary();
    listDirty = true;
  },
  error: (message, advice) => showError(message, advice),
});

const runsList = new RunsList(
  element('run-list'),
  element('runs-empty'),
  element('run-search'),
  (name) => select(name),
  () => {
    compareView.refresh();
    redrawCharts();
  },
);
const compareView = new CompareView(element('view-compare'), () =>
  [...runsList.checked].map((name) => manager.runs.get(name)).filter((run): run is LiveRun => run !== undefined),
);
const watch = new RunWatch(trainView, element('scene-caption'), manager, (returns, last) => policiesView.showReturns(returns, last));
const policiesView = new PoliciesView(
  element('view-policies'),
  manager,
  () => selected,
  watch,
  () => selectView('train'),
);

function select(name: string): void {
  runsList.selected = name;
  selected = manager.runs.get(name) ?? null;
  redrawCharts();
  runsList.render(manager.runs.values());
  refreshSelection();
}

/** The chart strip draws the selected run, and the ticked ones when overlaying (labelled algorithm and seed). */
function redrawCharts(): void {
  const runs = [selected, ...[...runsList.checked].map((name) => manager.runs.get(name))].filter(
    (run, i, all): run is LiveRun => run != null && all.indexOf(run) === i,
  );
  charts.setSources(runs.map((run) => ({ label: `${run.stored.config.algorithm} seed ${run.stored.config.seed}`, records: run.records })));
  charts.redraw();
  chartsDirty = false;
}
const overlay = element<HTMLInputElement>('chart-overlay');
overlay.addEventListener('change', () => {
  charts.setOverlay(overlay.checked);
  redrawCharts();
});
const scale = element<HTMLSelectElement>('chart-scale');
scale.addEventListener('change', () => {
  charts.setScale(scale.value === 'log' ? 'log' : 'linear');
  redrawCharts();
});

function refreshSelection(): void {
  if (selected && !manager.runs.has(selected.stored.name)) selected = null;
  if (selected) watch.update(selected);
  else {
    watch.update(null);
    const { robot, algorithm, numEnvs } = controls.chosen;
    trainView.preview(
      robot,
      `${robot[0].toUpperCase()}${robot.slice(1)} at its starting pose. Press Start in New run (right) to train ${numEnvs} of them with ${algorithm.toUpperCase()}.`,
    );
  }
  controls.setState(controlState(selected), selected !== null);
  renderSummary();
}

function renderSummary(): void {
  summary.textContent = selected ? summaryLine(selected) : '';
}

async function startRun(request: RunRequest): Promise<void> {
  const config = newRunConfig(request, { sinew: sinewVersion, app: window.sinew ? 'desktop' : 'web' });
  const stamp = config.createdAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const run = await manager.create(`${request.robot}-${request.algorithm}-seed${request.seed}-${stamp}`, config);
  select(run.stored.name);
}

const controls = new RunControls(
  element('run-controls'),
  robotNames,
  algorithms,
  {
    start: (request) =>
      startRun(request).catch((error: unknown) =>
        showError(`Could not start the run: ${error instanceof Error ? error.message : String(error)}`, 'Check the settings marked in New run.'),
      ),
    pauseOrResume: () => togglePause(),
    stop: () => selected && manager.stop(selected.stored.name),
    exportPolicy: () => {
      selectView('policies');
      policiesView.exportSelected();
    },
    formChanged: () => {
      if (!selected) refreshSelection();
    },
  },
  navigator.hardwareConcurrency || 2,
);

function togglePause(): void {
  if (!selected) return;
  if (selected.phase === 'training') manager.pause(selected.stored.name);
  else if (selected.phase === 'paused') manager.resume(selected.stored.name);
  else if (selected.phase === 'stopped' || selected.phase === 'failed') {
    manager
      .resumeSaved(selected.stored.name)
      .catch((error: unknown) =>
        showError(`Could not resume: ${error instanceof Error ? error.message : String(error)}`, 'Start a new run instead.'),
      );
  }
}

function selectView(view: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs button'))
    tab.setAttribute('aria-selected', String(tab.dataset.view === view));
  for (const panel of document.querySelectorAll<HTMLElement>('.stage .view')) panel.hidden = panel.dataset.view !== view;
  if (view === 'compare') compareView.refresh();
  if (view === 'policies') policiesView.refresh();
  // The stage draws nothing while hidden: redraw what may have moved meanwhile.
  if (view === 'train') stage.invalidate();
}
for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs button'))
  tab.addEventListener('click', () => selectView(tab.dataset.view ?? 'train'));

element('rename-run').addEventListener('click', () => {
  if (!selected) return showError('No run is selected', 'Click a run in the list first.');
  runsList.editName(selected.stored.name, async (newName) => {
    await manager.rename(selected?.stored.name ?? '', checkName(newName));
    select(newName);
  });
});
element('delete-run').addEventListener('click', () => {
  if (!selected) return showError('No run is selected', 'Click a run in the list first.');
  const name = selected.stored.name;
  if (!window.confirm(`Delete ${name} with its checkpoints and exports? This cannot be undone.`)) return;
  manager
    .delete(name)
    .catch((error: unknown) =>
      showError(
        `Could not delete: ${error instanceof Error ? error.message : String(error)}`,
        'Try again; if it persists, delete the folder by hand.',
      ),
    );
});

window.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
  if (event.key === ' ') {
    event.preventDefault();
    togglePause();
  } else if (event.key === 'f' || event.key === 'F') trainView.toggleFollow();
  else if (event.key === 'Escape') trainView.follow(null);
});

const mode = window.sinew ? 'desktop' : 'web';
const status = element('app-status');
function renderStatus(): void {
  const isolation = globalThis.crossOriginIsolated ? 'isolated' : 'not isolated';
  // A still view draws nothing (see Stage), so 0 fps means idle, not stuck.
  const drawing = stage.fps > 0 ? `${stage.fps.toFixed(0)} fps` : 'view idle';
  status.replaceChildren(
    ...[mode, `${navigator.hardwareConcurrency} cores`, isolation, drawing].map((text) => {
      const span = document.createElement('span');
      span.textContent = text;
      return span;
    }),
  );
}
renderStatus();
setInterval(() => {
  renderStatus();
  if (listDirty) {
    runsList.render(manager.runs.values());
    listDirty = false;
  }
  if (chartsDirty) redrawCharts();
}, 400);

if (!globalThis.crossOriginIsolated) {
  showError(
    'This page is not cross-origin isolated, so parallel simulation cannot share memory',
    'Open Sinew through `npm start`, which serves the required headers.',
  );
}

await manager.loadSaved();
// Reopen on the newest run (the list's first), so the view shows it rather than nothing.
const newest = runsList.firstRun();
if (selected === null && newest !== null) select(newest);

/** Hooks the e2e tests read; nothing in the app depends on them. */
declare global {
  interface Window {
    sinewDebug?: { stage: Stage; charts: ChartStrip; manager: RunManager; trainView: TrainView; selectView: (view: string) => void };
  }
}
window.sinewDebug = { stage, charts, manager, trainView, selectView };
