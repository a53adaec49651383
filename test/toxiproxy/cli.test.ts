/** `ftchaos toxiproxy`: starts like the real server, refuses bad flags (exit 2), closes on Ctrl-C. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { afterEach, test } from 'node:test';
import { execa } from 'execa';
import { parseToxiproxyArgs } from '../../src/cli/toxiproxy.ts';
import { assertNoOpenSockets } from './helpers.ts';

/** No test may hang: a lost byte would otherwise stall a transfer forever. */
const LIMIT = { timeout: 60_000 };

afterEach(async () => {
  await assertNoOpenSockets();
});

const BIN = fileURLToPath(new URL('../../bin/ftchaos.mjs', import.meta.url));

async function startCli(args: string[]) {
  const child = execa('node', [BIN, 'toxiproxy', ...args], { reject: false, buffer: true, all: false });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+?)[\s,]/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
  return { child, url };
}

test('starts, serves the API, and exits 0 on SIGINT', LIMIT, async () => {
  const { child, url } = await startCli(['--host', '127.0.0.1', '--port', '0', '--proxy-metrics']);
  const version = await (await fetch(`${url}/version`)).json();
  assert.deepEqual(version, { version: '2.12.0' });
  const created = await fetch(`${url}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }),
  });
  assert.equal(created.status, 201);
  await created.arrayBuffer();
  assert.equal((await fetch(`${url}/metrics`)).status, 200);
  child.kill('SIGINT');
  const result = await child;
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /SIGINT, shutting down/);
});

test("accepts the real server's single-dash flags", LIMIT, async () => {
  const { child, url } = await startCli(['-host', '127.0.0.1', '-port', '0']);
  assert.equal((await fetch(`${url}/metrics`)).status, 404, 'no metrics unless asked');
  child.kill('SIGTERM');
  assert.equal((await child).exitCode, 0);
});

test('bad flags: a clear error and the usage, exit 2', LIMIT, async () => {
  for (const args of [['--bogus'], ['--port', 'abc'], ['--port', '70000'], ['--port'], ['stray']]) {
    const r = await execa('node', [BIN, 'toxiproxy', ...args], { reject: false });
    assert.equal(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^ftchaos toxiproxy: /);
    assert.match(r.stderr, /Usage: ftchaos toxiproxy/);
  }
  const unknown = await execa('node', [BIN, 'nonsense'], { reject: false });
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /unknown command "nonsense"/);
  assert.match(unknown.stderr, /toxiproxy/);
  const none = await execa('node', [BIN], { reject: false });
  assert.equal(none.exitCode, 2);
});

test('--help prints the usage, exit 0; a missing config file exits 1 naming it', LIMIT, async () => {
  const help = await execa('node', [BIN, 'toxiproxy', '--help'], { reject: false });
  assert.equal(help.exitCode, 0);
  assert.match(help.stdout, /--proxy-metrics/);
  const missing = await execa('node', [BIN, 'toxiproxy', '--port', '0', '--config', '/nonexistent/proxies.json'], {
    reject: false,
  });
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /\/nonexistent\/proxies\.json/);
});

test('parseToxiproxyArgs defaults', LIMIT, () => {
  assert.deepEqual(parseToxiproxyArgs([]), {
    host: '127.0.0.1',
    port: 8474,
    config: undefined,
    proxyMetrics: false,
    help: false,
  });
  assert.equal(parseToxiproxyArgs(['--port=9000']).port, 9000);
  assert.equal(parseToxiproxyArgs(['-proxy-metrics']).proxyMetrics, true);
});
