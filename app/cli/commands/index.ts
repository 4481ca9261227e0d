import type { Command } from '../command.ts';
import { benchCommand } from './bench.ts';

/** Every sub-command of `sinew`, in the order `sinew --help` lists them. */
export const commands: readonly Command[] = [benchCommand];
