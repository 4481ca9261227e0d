import type { ImportedPolicy } from '../../../agents/export/bundle.ts';
import type { PolicySnapshot } from '../../../agents/policy.ts';
import { version as sinewVersion } from '../../../package.json';
import { showError } from '../errors.ts';
import type { LiveRun } from '../training/live-run.ts';
import type { RunManager } from '../training/run-manager.ts';
import { downloadBlob } from './download.ts';
import { importedFileName, importedSummary, playedReturns } from './policy-files.ts';
import type { RunWatch } from './run-watch.ts';

/**
 * Policies: export the selected run's policy (TensorFlow.js layers, ONNX and a policy card, the formats of
 * `sinew export`), import an exported policy, and watch a policy play in the 3D view.
 */
export class PoliciesView {
  private readonly status: HTMLElement;
  private readonly details: HTMLElement;
  private readonly returns: HTMLElement;
  private imported: ImportedPolicy | null = null;

  constructor(
    root: HTMLElement,
    private readonly manager: RunManager,
    private readonly selectedRun: () => LiveRun | null,
    private readonly watch: RunWatch,
    private readonly showTrainView: () => void,
  ) {
    root.classList.add('policies');
    root.innerHTML = `
      <h2>Export</h2>
      <p>Exports the selected run's policy (its deterministic action, observation normalisation folded in) as
      a TensorFlow.js model (model.json + weights.bin), an ONNX model (policy.onnx) and a policy card (policy-card.json),
      in one zip in a browser: unpacked, <code>tf.loadLayersModel('…/model.json')</code> loads it as it is.</p>
      <p><button type="button" name="export">Export selected run</button> <button type="button" name="play-run">Play selected run's policy</button></p>
      <h2>Import</h2>
      <p>Pick an exported policy: its zip, or its files (a policy card with its network files, model.json + weights.bin, or policy.onnx).</p>
      <p><input type="file" name="import" multiple accept=".zip,.json,.bin,.onnx" aria-label="Import policy files" /></p>
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
    if (!this.status.textContent)
      this.status.textContent = run ? `Selected run: ${run.stored.name}` : 'Select a run in the list to export or play its policy.';
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
      showError(
        `Export failed: ${error instanceof Error ? error.message : String(error)}`,
        'Train the run a little longer (it needs a checkpoint), then try again.',
      );
    });
  }

  private async exportRun(run: LiveRun): Promise<void> {
    const snapshot = await this.manager.exportPolicy(run.stored.name);
    const { exportPolicyFiles } = await import('../../../agents/export/bundle.ts');
    const { robotLayout } = await import('../../../agents/export/robot-layouts.ts');
    const files = exportPolicyFiles(snapshot, ['tfjs', 'onnx', 'card'], {
      sinewVersion,
      layout: robotLayout(snapshot.robot, snapshot.observationSize, snapshot.actionSize),
    });
    for (const [name, data] of files) await this.manager.store.write(`${run.stored.name}/exports/${name}`, data);
    const list = [...files.keys()].join(', ');
    if (window.sinew) {
      const folder = await window.sinew.savePolicyDialog({ files: [...files].map(([name, data]) => ({ name, data })) });
      this.status.textContent = folder
        ? `Exported ${list} to ${folder} (and to the run's exports/ folder).`
        : `Saved ${list} to the run's exports/ folder.`;
    } else {
      // One zip of the files under the names they refer to each other by (model.json names weights.bin), so
      // tf.loadLayersModel reads them as unpacked; several loose downloads would get renamed on a name clash.
      const { zipSync } = await import('fflate');
      const zip = zipSync(Object.fromEntries(files));
      downloadBlob(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), `${run.stored.name}-policy.zip`);
      this.status.textContent = `Downloaded ${run.stored.name}-policy.zip (${list}) and kept a copy in the run's exports/ folder.`;
    }
  }

  private async importFiles(fileList: FileList | null): Promise<boolean> {
    if (!fileList || fileList.length === 0) return false;
    try {
      const files = new Map<string, Uint8Array>();
      for (const file of fileList) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        if (!file.name.endsWith('.zip')) files.set(importedFileName(file.name, false), bytes);
        else {
          const { unzipSync } = await import('fflate');
          for (const [name, data] of Object.entries(unzipSync(bytes))) files.set(importedFileName(name, true), data);
        }
      }
      const { importPolicy } = await import('../../../agents/export/bundle.ts');
      this.imported = importPolicy((name) => files.get(name), null);
      const { snapshot, card } = this.imported;
      this.details.textContent = importedSummary(snapshot, card !== null);
      this.status.textContent = `Imported ${this.imported.networkFile}.`;
      return true;
    } catch (error) {
      this.imported = null;
      this.details.textContent = '';
      showError(
        `Could not import the policy: ${error instanceof Error ? error.message : String(error)}`,
        'Pick the zip of one export, or its files: policy-card.json with model.json and weights.bin, or policy.onnx.',
      );
      return false;
    }
  }

  private async playSelected(): Promise<void> {
    const run = this.selectedRun();
    if (!run) return showError('No run is selected', 'Click a run in the list first.');
    try {
      this.play(await this.manager.exportPolicy(run.stored.name), `${run.stored.name}'s current policy`);
    } catch (error) {
      showError(
        `Could not play the policy: ${error instanceof Error ? error.message : String(error)}`,
        'Train the run a little longer, then try again.',
      );
    }
  }

  private play(snapshot: PolicySnapshot, label: string): void {
    this.returns.textContent = '';
    this.watch.playExplicit(snapshot, label);
    this.showTrainView();
  }

  /** The returns of the episodes played so far (deterministic actions: evaluation returns). */
  showReturns(returns: readonly number[], last: { episodeReturn: number; length: number }): void {
    this.returns.textContent = playedReturns(returns, last);
  }

  stopPlaying(): void {
    this.returns.textContent = '';
    this.watch.stopPlaying();
  }
}
