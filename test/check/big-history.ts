/**
 * A realistic large history (~200k events) for performance tests: 8 clients writing their own
 * keys and pinging, two probes every 5 ms, a crash of the primary at 30 s with a 400 ms
 * outage, final reads of every key.
 */
import type { HistoryEvent } from '../../src/workload/history.ts';
import { hist } from './history-builder.ts';

export function bigHistory(): HistoryEvent[] {
  const b = hist().role('a', 'primary', 0).role('b', 'backup', 0);
  const crash = 30_000;
  const back = crash + 400;
  const end = 64_000;
  b.probe('a', 0, end, 5, (t) => (t < crash ? 'ok' : 'fail'));
  b.probe('b', 0, end, 5, (t) => (t < back ? 'fail' : 'ok'));
  const keys: [string, number][] = [];
  for (let c = 0; c < 8; c++) {
    let n = 0;
    for (let t = c; t < end; t += 12) {
      const host = t < crash ? 'a' : 'b';
      const down = t >= crash - 20 && t < back;
      if (n % 5 === 4) b.ping(`c${c}`, Math.floor(t), t, t + 3, { host, outcome: down ? 'info' : 'ok' });
      else {
        const key = `c${c}-${n}`;
        b.write(`c${c}`, key, n, t, t + 8, { host, outcome: down ? 'info' : 'ok' });
        keys.push([key, n]);
      }
      n++;
    }
  }
  b.fault(1, 'crash', 'a', crash).role('a', 'down', crash).role('b', 'primary', back - 50);
  let t = end + 100;
  for (const [key, v] of keys) b.read('final', key, v, t, t + 0.01, { host: 'b' }), (t += 0.02);
  return b.build();
}
