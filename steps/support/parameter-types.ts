/**
 * The custom parameter types of the step vocabulary. The regexps are lenient on purpose
 * (they also match negative or odd values) so that a wrong value fails its step with a
 * message naming the value and what is allowed, instead of leaving the step undefined.
 */
import { parseDuration, parsePercent, parseRateKBps } from '../../src/harness/params.ts';
import type { ParamDef } from './define.ts';

export const parameterTypes: ParamDef[] = [
  {
    name: 'duration',
    regexp: /-?\d+(?:\.\d+)? ?(?:ms|milliseconds?|seconds?|s|minutes?)/,
    meaning: 'a time: "25 ms", "2 seconds", "1 second"',
    transformer: (s) => parseDuration(s),
  },
  {
    name: 'percent',
    regexp: /-?\d+(?:\.\d+)?%/,
    meaning: 'a percentage above 0% and at most 100%: "99.999%"',
    transformer: (s) => parsePercent(s),
  },
  {
    name: 'rate',
    regexp: /-?\d+(?:\.\d+)? ?(?:KB|kB|KiB|MB|MiB)\/s/,
    meaning: 'a bandwidth: "256 KB/s", "1 MB/s"',
    transformer: (s) => parseRateKBps(s),
  },
  {
    name: 'faultKinds',
    regexp: /[a-z_]+(?:\s*,\s*[a-z_]+)*/,
    meaning: 'a comma-separated list of fault kinds: crash, hang, partition, latency',
    transformer: (s) => s,
  },
];
