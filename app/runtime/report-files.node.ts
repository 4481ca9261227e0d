import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from './atomic.node.ts';
import { band, reportMarkdown, solvedThreshold, summariseAlgorithms, summariseRun } from './report.ts';
import type { AlgorithmSummary } from './report.ts';
import { learningCurvesSvg } from './report-svg.ts';
import { RunFolder } from './run-folder.node.ts';

/** Finds run folders: each path is a run folder itself or a folder whose sub-folders are runs (a comparison). */
export function findRuns(paths: readonly string[]): RunFolder[] {
  const runs: RunFolder[] = [];
  for (const path of paths) {
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new Error(`no run folder at ${path}`);
    if (existsSync(join(path, 'config.json'))) {
      runs.push(RunFolder.open(path));
      continue;
    }
    const children = readdirSync(path)
      .sort()
      .filter((name) => existsSync(join(path, name, 'config.json')));
    if (children.length === 0) throw new Error(`${path} is neither a run folder nor a folder of runs (no config.json found)`);
    runs.push(...children.map((name) => RunFolder.open(join(path, name))));
  }
  return runs;
}

export interface WrittenReport {
  readonly markdown: string;
  readonly files: readonly string[];
  readonly groups: readonly AlgorithmSummary[];
}

/** Writes report.md, curves.svg and curves.png into `outDir` from the given runs (all of one robot). */
export function writeReport(
  runs: readonly RunFolder[],
  outDir: string,
  thresholdOption: number | null | undefined,
  by: 'algorithm' | 'run' = 'algorithm',
): WrittenReport {
  const robots = [...new Set(runs.map((run) => run.config.robot))];
  if (robots.length !== 1) throw new Error(`a report compares runs of one robot; got ${robots.join(', ')}`);
  const robot = robots[0];
  const threshold = thresholdOption === undefined ? solvedThreshold(robot) : thresholdOption;
  const summaries = runs.map((run) =>
    // Grouping by run gives every run its own row and curve (e.g. a resumed run against an uninterrupted one).
    summariseRun(
      { name: run.name, robot, algorithm: by === 'run' ? run.name : run.config.algorithm, seed: run.config.seed, records: run.readMetrics() },
      threshold,
    ),
  );
  const groups = summariseAlgorithms(summaries);
  const series = groups.map((group) => ({
    label: by === 'run' ? group.algorithm : `${group.algorithm} (${group.runs.length} seed${group.runs.length === 1 ? '' : 's'})`,
    byEnvSteps: band(group.runs, 'envSteps'),
    byWallTime: band(group.runs, 'wallTime'),
  }));
  const title = by === 'run' ? `${robot}: episode return per run` : `${robot}: episode return, mean ± std over seeds`;
  const svg = learningCurvesSvg(title, series);
  const png = new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: true } }).render().asPng();
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const markdown = reportMarkdown(robot, groups, threshold, 'curves.png', by);
  const files = [join(dir, 'report.md'), join(dir, 'curves.svg'), join(dir, 'curves.png')];
  writeFileAtomic(files[0], markdown);
  writeFileAtomic(files[1], svg);
  writeFileAtomic(files[2], png);
  return { markdown, files, groups };
}

/** The summary table of a report.md, for printing to a terminal. */
export function summaryTable(markdown: string): string[] {
  return markdown.split('\n').filter((line, i, lines) => line.startsWith('|') && lines.slice(0, i).every((l) => !l.startsWith('## ')));
}
