// Runs before `npm start`, `npm test` and `npm run cli`: a Node.js older than package.json's "engines" gets one
// plain sentence instead of a syntax error deep inside a dependency. Written for old Node versions too (no
// newer syntax), since those are the ones it speaks to.
import { readFileSync } from 'node:fs';

var wanted = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
var minimum = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(wanted);
if (!minimum) {
  console.error('sinew: package.json engines.node must read ">=MAJOR.MINOR", found "' + wanted + '"');
  process.exit(1);
}
var need = [Number(minimum[1]), Number(minimum[2]), Number(minimum[3] || 0)];
var have = process.versions.node.split('.').map(Number);
var older = have[0] !== need[0] ? have[0] < need[0] : have[1] !== need[1] ? have[1] < need[1] : have[2] < need[2];
if (older) {
  console.error('sinew needs Node.js ' + need.join('.') + ' or newer; this is Node.js ' + process.versions.node + '.');
  console.error('Install a newer Node.js (https://nodejs.org/), then run the command again.');
  process.exit(1);
}
