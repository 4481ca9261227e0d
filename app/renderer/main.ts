import './styles.css';
import { ChartStrip, trainingCharts } from './panels/charts.ts';
import { installGlobalErrorHandlers, showError } from './errors.ts';
import { Stage, darkTheme, lightTheme } from './scene/stage.ts';

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

const charts = new ChartStrip(element('charts'), trainingCharts);

function selectView(view: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs button')) tab.setAttribute('aria-selected', String(tab.dataset.view === view));
  for (const panel of document.querySelectorAll<HTMLElement>('.stage .view')) panel.hidden = panel.dataset.view !== view;
}
for (const tab of document.querySelectorAll<HTMLButtonElement>('.tabs button')) tab.addEventListener('click', () => selectView(tab.dataset.view ?? 'train'));

const mode = window.sinew ? 'desktop' : 'web';
const status = element('app-status');
function renderStatus(): void {
  const isolation = globalThis.crossOriginIsolated ? 'isolated' : 'not isolated';
  status.textContent = '';
  for (const text of [`${mode}`, `${navigator.hardwareConcurrency} cores`, isolation, `${stage.fps.toFixed(0)} fps`]) {
    const span = document.createElement('span');
    span.textContent = text;
    status.appendChild(span);
  }
}
renderStatus();
setInterval(renderStatus, 1000);

if (!globalThis.crossOriginIsolated) {
  showError('This page is not cross-origin isolated, so parallel simulation cannot share memory', 'Open Sinew through `npm start`, which serves the required headers.');
}

/** Hooks the e2e tests read; nothing in the app depends on them. */
declare global {
  interface Window {
    sinewDebug?: { stage: Stage; charts: ChartStrip; selectView: (view: string) => void };
  }
}
window.sinewDebug = { stage, charts, selectView };
