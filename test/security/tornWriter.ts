// A "window" that dies (SIGKILL) in the middle of a ledger write: it takes the budget lock as every
// writer does, writes the first part of a valid record line to today's ledger file, and kills
// itself, leaving a torn line and a lock held by a dead pid. argv[2] = ledger dir, argv[3] = id.
import * as fs from 'node:fs';
import { budgetLockPath } from '../../src/core/budget';
import { localDay } from '../../src/core/day';
import { ledgerPath } from '../../src/core/ledger';
import { acquireLock } from '../../src/core/lock';

async function main(): Promise<void> {
  const [dir, id] = [process.argv[2]!, process.argv[3]!];
  await acquireLock(budgetLockPath(dir));
  const line = JSON.stringify({
    v: 1,
    id,
    ts: new Date().toISOString(),
    window: 'torn',
    command: 'review',
    costUsd: 0.5,
  });
  const file = ledgerPath(dir, localDay());
  // As appendRecord does: start on a line of its own if the file ends mid-line.
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const prefix = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  const fd = fs.openSync(file, 'a');
  fs.writeSync(fd, prefix + line.slice(0, Math.floor(line.length / 2)));
  fs.writeSync(1, 'TORN\n');
  process.kill(process.pid, 'SIGKILL');
}

void main();
