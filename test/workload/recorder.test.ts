import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recorder } from '../../src/workload/recorder.ts';

test('events stream to the ndjson file as they happen, in order, with monotonic times', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftchaos-rec-'));
  try {
    const path = join(dir, 'h', 'history.ndjson');
    const rec = new Recorder(path);
    rec.op({ type: 'invoke', process: 'c0', f: 'write', key: 'c0-0', value: 0, host: 'a' });
    const id = rec.faultStart('crash', 'a', { role: 'primary' });
    rec.op({ type: 'ok', process: 'c0', f: 'write', key: 'c0-0', value: 0, host: 'a' });
    rec.faultEnd(id, 'crash', 'a');
    rec.mark('done');
    await rec.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    assert.deepEqual(lines.map((l) => l.kind), ['op', 'fault', 'op', 'fault', 'mark']);
    assert.equal(lines[1].id, lines[3].id);
    for (let i = 1; i < lines.length; i++) assert.ok(lines[i].time >= lines[i - 1].time);
    assert.deepEqual(rec.events, lines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('host timestamps (monotonic ms) convert to scenario time', () => {
  const rec = new Recorder(null, 1000);
  assert.equal(rec.relative(1250), 250);
});
