/**
 * `ftchaos toxiproxy`: the embedded Toxiproxy-compatible server, started like the real one
 * (`toxiproxy-server -host 127.0.0.1 -port 8474 -config proxies.json -proxy-metrics`; the
 * real server's single-dash spellings are accepted too). Ctrl-C / SIGTERM close it cleanly.
 */
import { parseArgs } from 'node:util';
import { startToxiproxyServer } from '../toxiproxy/server.ts';
import type { Command } from './main.ts';
import { parseOrExit, UsageError } from './usage.ts';

export const USAGE = `Usage: ftchaos toxiproxy [--host 127.0.0.1] [--port 8474] [--config proxies.json] [--proxy-metrics]

Runs a Toxiproxy-compatible server (HTTP API and TCP proxies with toxics).

  --host <addr>      address of the HTTP API (default 127.0.0.1)
  --port <n>         port of the HTTP API (default 8474; 0 = any free port)
  --config <file>    JSON array of proxies to create at start (populate format)
  --proxy-metrics    serve per-proxy byte counters at /metrics (Prometheus text)
  -h, --help         this text`;


export interface ToxiproxyArgs {
  host: string;
  port: number;
  config?: string;
  proxyMetrics: boolean;
  help: boolean;
}

/** The real server's flags are single-dash words (-host, -proxy-metrics): accept them too. */
function normalise(args: string[]): string[] {
  return args.map((a) => (/^-[a-z][a-z-]+(=.*)?$/.test(a) ? `-${a}` : a));
}

export function parseToxiproxyArgs(args: string[]): ToxiproxyArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: normalise(args),
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        config: { type: 'string' },
        'proxy-metrics': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const portText = values.port ?? '8474';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}"`);
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host must not be empty');
  if (values.config === '') throw new UsageError('--config needs a file name');
  return { host, port, config: values.config, proxyMetrics: values['proxy-metrics'] ?? false, help: values.help ?? false };
}

export const command: Command = {
  summary: 'run the embedded Toxiproxy-compatible server',
  async run(args) {
    const opts = await parseOrExit('toxiproxy', USAGE, () => parseToxiproxyArgs(args));
    if (typeof opts === 'number') return opts;
    let server;
    try {
      server = await startToxiproxyServer(opts);
    } catch (err) {
      process.stderr.write(`ftchaos toxiproxy: ${(err as Error).message}\n`);
      return 1;
    }
    const count = server.proxies.list().length;
    process.stdout.write(
      `Toxiproxy-compatible API listening on ${server.url}` +
        (opts.config ? ` (${count} prox${count === 1 ? 'y' : 'ies'} from ${opts.config})` : '') +
        (opts.proxyMetrics ? ', metrics at /metrics' : '') +
        '\n',
    );
    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals): void => {
        if (stopping) {
          process.stderr.write(`ftchaos toxiproxy: ${signal} again, exiting now\n`);
          process.exit(130);
        }
        stopping = true;
        process.stdout.write(`ftchaos toxiproxy: ${signal}, shutting down\n`);
        server.close().then(
          () => resolve(0),
          (err: Error) => {
            process.stderr.write(`ftchaos toxiproxy: error while closing: ${err.message}\n`);
            resolve(1);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
