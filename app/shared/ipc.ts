/**
 * The closed list of IPC channels between the renderer and Electron's main process (the shape of Electron Fiddle's IPC).
 * One preload method per channel; main checks the sender of every message. Nothing generic is exposed.
 */
export const IpcChannel = {
  getAppInfo: 'sinew:get-app-info',
  listRuns: 'sinew:list-runs',
  listRunFiles: 'sinew:list-run-files',
  readRunFile: 'sinew:read-run-file',
  writeRunFile: 'sinew:write-run-file',
  appendRunFile: 'sinew:append-run-file',
  removeRunFile: 'sinew:remove-run-file',
  deleteRun: 'sinew:delete-run',
  lockRun: 'sinew:lock-run',
  unlockRun: 'sinew:unlock-run',
  lockedRuns: 'sinew:locked-runs',
  savePolicyDialog: 'sinew:save-policy-dialog',
  openPolicyDialog: 'sinew:open-policy-dialog',
} as const;

export type IpcChannelName = (typeof IpcChannel)[keyof typeof IpcChannel];

export interface AppInfo {
  readonly version: string;
  readonly platform: string;
  readonly runsDirectory: string;
  readonly cores: number;
}

/** A file inside a run folder, addressed relative to the runs directory (e.g. "hopper-ppo-1/metrics.jsonl"). */
export interface RunFileRequest {
  readonly path: string;
}

export interface RunFileWrite extends RunFileRequest {
  readonly data: Uint8Array;
}

/** Files chosen in a dialog: names and contents, never a path the renderer could misuse. */
export interface PolicyFiles {
  readonly files: readonly { readonly name: string; readonly data: Uint8Array }[];
}

/** The typed surface the preload script exposes as `window.sinew`: one method per channel. */
export interface SinewBridge {
  getAppInfo(): Promise<AppInfo>;
  listRuns(): Promise<string[]>;
  /** File names in a folder of a run (e.g. "hopper-ppo-1/checkpoints"); empty when it does not exist. */
  listRunFiles(request: RunFileRequest): Promise<string[]>;
  readRunFile(request: RunFileRequest): Promise<Uint8Array>;
  writeRunFile(request: RunFileWrite): Promise<void>;
  appendRunFile(request: RunFileWrite): Promise<void>;
  removeRunFile(request: RunFileRequest): Promise<void>;
  deleteRun(run: string): Promise<void>;
  /** Claims a run for this app before training it; refused while another process (the command line) trains it. */
  lockRun(run: string): Promise<void>;
  unlockRun(run: string): Promise<void>;
  /** Runs another process is training (their lock names a live process other than this app). */
  lockedRuns(): Promise<string[]>;
  savePolicyDialog(files: PolicyFiles): Promise<string | null>;
  openPolicyDialog(): Promise<PolicyFiles | null>;
}
