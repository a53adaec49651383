/**
 * The custom parameter types of the step vocabulary. The regexps are lenient on purpose
 * (they also match negative or odd values) so that a wrong value fails its step with a
 * message naming the value and what is allowed, instead of leaving the step undefined.
 * Each is a literal `defineParameterType({ name, regexp })` call so that the Cucumber
 * language service (the editor) finds it; the doc comment above it is its catalog line.
 */
import { defineParameterType } from '@cucumber/cucumber';
import { parseDuration, parsePercent, parseRateKBps } from '../../src/harness/params.ts';

/** a time: "25 ms", "2 seconds", "1 second" */
defineParameterType({
  name: 'duration',
  regexp: /-?\d+(?:\.\d+)? ?(?:ms|milliseconds?|seconds?|s|minutes?)/,
  transformer: (s: string) => parseDuration(s),
  useForSnippets: false,
});

/** a percentage above 0% and at most 100%: "99.999%" */
defineParameterType({
  name: 'percent',
  regexp: /-?\d+(?:\.\d+)?%/,
  transformer: (s: string) => parsePercent(s),
  useForSnippets: false,
});

/** a bandwidth: "256 KB/s", "1 MB/s" */
defineParameterType({
  name: 'rate',
  regexp: /-?\d+(?:\.\d+)? ?(?:KB|kB|KiB|MB|MiB)\/s/,
  transformer: (s: string) => parseRateKBps(s),
  useForSnippets: false,
});

// The parentheses belong to the parameter (the step receives only what is inside them): a
// literal "(" in the step's own pattern would need the escape "\(", which the language
// service reads from the source without unescaping, so the editor would not match the step.
/** a comma-separated list of fault kinds in parentheses: "(crash, hang, partition, latency)"; also backup-hang, witness-crash, witness-partition, one-way, stream-damage, transfer-crash, slow-crash */
defineParameterType({
  name: 'faultKinds',
  regexp: /\(([a-z_-]+(?:\s*,\s*[a-z_-]+)*)\)/,
  transformer: (s: string) => s,
  useForSnippets: false,
});
