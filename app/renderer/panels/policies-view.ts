import type { ImportedPolicy } from '../../../agents/export/bundle.ts';
import type { PolicySnapshot } from '../../../agents/policy.ts';
import { version as sinewVersion } from '../../../package.json';
import { showError } from '../errors.ts';
import type { TrainView } from '../scene/train-view.ts';
import type { LiveRun, RunManager } from '../training/run-manager.ts';
import type { FromPlayer, ToPlayer } from '../training/player.worker.ts';
import { downloadBlob } from './download.ts';

/**
 * Policies: export the selected run's policy (TensorFlow.js layers, ONNX and a policy card, the formats of
 * `sinew export`), import an exported policy, and watch a policy play in the 3D view.
 */
export class PoliciesView {
  private readonly status: HTMLElement;
  private readonly details: HTMLElement;
  private readonly returns: HTMLElement;
  private imported: ImportedPolicy | null = null;
  private player: Worker | null = null;
  private episodeReturns: number[] = [];

  constructor(
    root: HTMLElement,
    private readonly manager: RunManager,
    private readonly selectedRun: () => LiveRun | null,
    private readonly trainView: TrainView,
    private readonly showTrainView: () => void,
  ) {
    root.classList.add('policies');
    root.innerHTML = `
      <h2>Export</h2>
      <p>Exports the selected run's policy (its deterministic action, observation normalisation folded in) as
      a TensorFlow.js model (model.json + weights.bin), an ONNX model (policy.onnx) and a policy card (policy-card.json).</p>
      <p><button type="button" name="export">Export selected run</button> <button type="button" name="play-run">Play selected run's policy</button></p>
      <h2>Import</h2>
      <p>Pick the files of an exported policy (a policy card with its network files, model.json + weights.bin, or policy.onnx).</p>
      <p><input type="file" name="import" multiple accept=".json,.bin,.onnx" aria-label="Import policy files" /></p>
      <div class="policy-details"></div>
      <p><button type="button" name="play-imported" disabled>Play imported policy</button> <button type="button" name="stop">Stop playing</button></p>
      <p class="policy-returns"></p>
      <p class="policy-status" role="status"></p>`;
    const query = <T extends Element>(selector: string): T => {
      const found = root.querySelector<T>(selector);
      if (!found) throw new Error(`policies view lacks ${selector}`);
      return found;
    };
    this.status = query('.policy-status');
    this.details = query('.policy-details');
    this.returns = query('.policy-returns');
    query<HTMLButtonElement>('button[name=export]').addEventListener('click', () => this.exportSelected());
    query<HTMLButtonElement>('button[name=play-run]').addEventListener('click', () => void this.playSelected());
    const playImported = query<HTMLButtonElement>('button[name=play-imported]');
    playImported.addEventListener('click', () => this.imported && this.play(this.imported.snapshot, 'imported policy'));
    query<HTMLButtonElement>('button[name=stop]').addEventListener('click', () => this.stopPlaying());
    const input = query<HTMLInputElement>('input[name=import]');
    input.addEventListener('change', () => {
      void this.importFiles(input.files).then((ok) => (playImported.disabled = !ok));
    });
  }

  refresh(): void {
    const run = this.selectedRun();
    if (!this.status.textContent) this.status.textContent = run ? `Selected run: ${run.stored.name}` : 'Select a run in the list to export or play its policy.';
  }

  /** Exports the selected run: a save dialog in the desktop app, downloads in a browser; a copy goes to its exports/ folder. */
  exportSelected(): void {
    const run = this.selectedRun();
    if (!run) {
      showError('No run is selected', 'Click a run in the list first.');
      return;
    }
    this.status.textContent = `Exporting ${run.stored.name}…`;
    this.exportRun(run).catch((error: unknown) => {
      this.status.textContent = '';
      showError(`Export failed: ${error instanceof Error ? error.message : String(error)}`, 'Train the run a little longer (it needs a checkpoint), then try again.');
    });
  }

  private async exportRun(run: LiveRun): Promise<void> {
    const snapshot = await this.manager.exportPolicy(run.stored.name);
    const { exportPolicyFiles } = await import('../../../agents/export/bundle.ts');
    const { robotLayout } = await import('../../../agents/export/robot-layouts.ts');
    const files = exportPolicyFiles(snapshot, ['tfjs', 'onnx', 'card'], { sinewVersion, layout: robotLayout(snapshot.robot, snapshot.observationSize, snapshot.actionSize) });
    for (const [name, data] of files) await this.manager.store.write(`${run.stored.name}/exports/${name}`, data);
    const list = [...files.keys()].join(', ');
    if (window.sinew) {
      const folder = await window.sinew.savePolicyDialog({ files: [...files].map(([name, data]) => ({ name, data })) });
      this.status.textContent = folder ? `Exported ${list} to ${folder} (and to the run's exports/ folder).` : `Saved ${list} to the run's exports/ folder.`;
    } else {
      for (const [name, data] of files) downloadBlob(new Blob([data as Uint8Array<ArrayBuffer>]), `${run.stored.name}-${name}`);
      this.status.textContent = `Downloaded ${list} (prefixed with the run name) and kept a copy in the run's exports/ folder.`;
    }
  }

  private async importFiles(fileList: FileList | null): Promise<boolean> {
    if (!fileList || fileList.length === 0) return false;
    try {
      const files = new Map<string, Uint8Array>();
      // Downloads carry the run name as a prefix; the files refer to each other by their plain names.
      for (const file of fileList) files.set(file.name.replace(/^.*-(model\.json|weights\.bin|policy\.onnx|policy-card\.json)$/, '$1'), new Uint8Array(await file.arrayBuffer()));
      const { importPolicy } = await import('../../../agents/export/bundle.ts');
      this.imported = importPolicy((name) => files.get(name), null);
      const { snapshot, card } = this.imported;
      this.details.textContent = `${snapshot.algorithm} policy for ${snapshot.robot}: ${snapshot.observationSize} observations -> ${snapshot.actionSize} actions, ${snapshot.layers.length} layers, trained ${snapshot.envSteps.toLocaleString()} steps${card ? ', with its card' : ''}.`;
      this.status.textContent = `Imported ${this.imported.networkFile}.`;
      return true;
    } catch (error) {
      this.imported = null;
      this.details.textContent = '';
      showError(`Could not import the policy: ${error instanceof Error ? error.message : String(error)}`, 'Pick the files of one export: policy-card.json with model.json and weights.bin, or policy.onnx.');
      return false;
    }
  }

  private async playSelected(): Promise<void> {
    const run = this.selectedRun();
    if (!run) return showError('No run is selected', 'Click a run in the list first.');
    try {
      this.play(await this.manager.exportPolicy(run.stored.name), `${run.stored.name}'s current policy`);
    } catch (error) {
      showError(`Could not play the policy: ${error instanceof Error ? error.message : String(error)}`, 'Train the run a little longer, then try again.');
    }
  }

  private play(snapshot: PolicySnapshot, label: string): void {
    this.stopPlaying();
    this.episodeReturns = [];
    const worker = new Worker(new URL('../training/player.worker.ts', import.meta.url), { type: 'module', name: 'policy player' });
    this.player = worker;
    worker.onmessage = (event: MessageEvent<FromPlayer>) => {
      const message = event.data;
      if (message.type === 'ready') {
        this.trainView.show(message.robot, message.numEnvs, message.poses, `Playing ${label} without exploration noise`);
        this.showTrainView();
      } else if (message.type === 'episode') {
        this.episodeReturns.push(message.episodeReturn);
        const mean = this.episodeReturns.reduce((a, b) => a + b, 0) / this.episodeReturns.length;
        this.returns.textContent = `${this.episodeReturns.length} episodes played, mean return ${mean.toFixed(2)} (last ${message.episodeReturn.toFixed(2)} over ${message.length} steps).`;
      } else {
        showError(`The policy could not be played: ${message.detail}`, 'Check that it was exported for this version of Sinew.');
      }
    };
    worker.postMessage({ type: 'play', snapshot, numEnvs: 4, seed: 1 } satisfies ToPlayer);
  }

  stopPlaying(): void {
    this.player?.postMessage({ type: 'stop' } satisfies ToPlayer);
    const player = this.player;
    this.player = null;
    if (player) setTimeout(() => player.terminate(), 500);
  }

  get isPlaying(): boolean {
    return this.player !== null;
  }
}
