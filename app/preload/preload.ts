// The typed bridge: one method per IPC channel, nothing generic (no `send`, no `invoke(channel)`).
import { contextBridge, ipcRenderer } from 'electron';
import { IpcChannel, type SinewBridge } from '../shared/ipc.ts';

const bridge: SinewBridge = {
  getAppInfo: () => ipcRenderer.invoke(IpcChannel.getAppInfo),
  listRuns: () => ipcRenderer.invoke(IpcChannel.listRuns),
  listRunFiles: (request) => ipcRenderer.invoke(IpcChannel.listRunFiles, request),
  readRunFile: (request) => ipcRenderer.invoke(IpcChannel.readRunFile, request),
  writeRunFile: (request) => ipcRenderer.invoke(IpcChannel.writeRunFile, request),
  appendRunFile: (request) => ipcRenderer.invoke(IpcChannel.appendRunFile, request),
  removeRunFile: (request) => ipcRenderer.invoke(IpcChannel.removeRunFile, request),
  deleteRun: (run) => ipcRenderer.invoke(IpcChannel.deleteRun, run),
  lockRun: (run) => ipcRenderer.invoke(IpcChannel.lockRun, run),
  unlockRun: (run) => ipcRenderer.invoke(IpcChannel.unlockRun, run),
  lockedRuns: () => ipcRenderer.invoke(IpcChannel.lockedRuns),
  savePolicyDialog: (files) => ipcRenderer.invoke(IpcChannel.savePolicyDialog, files),
  openPolicyDialog: () => ipcRenderer.invoke(IpcChannel.openPolicyDialog),
};

contextBridge.exposeInMainWorld('sinew', bridge);
