import type { Command } from '../command.ts';
import { trainCommand } from './train.ts';
import { resumeCommand } from './resume.ts';
import { reportCommand } from './report.ts';
import { compareCommand } from './compare.ts';
import { playCommand } from './play.ts';
import { exportCommand } from './export.ts';
import { fidelityCommand } from './fidelity.ts';

/** Every sub-command of `sinew`, in the order `sinew --help` lists them. */
export const commands: readonly Command[] = [trainCommand, resumeCommand, compareCommand, reportCommand, playCommand, exportCommand, fidelityCommand];
