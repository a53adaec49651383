/**
 * Opens the generated Allure report in headless Chromium (Debian's `chromium`) and checks
 * that a scenario page with its timeline attachment renders: serves the report on
 * 127.0.0.1, lets Chromium run the page's JavaScript, reads back the DOM and takes a
 * screenshot (reports/allure-scenario.screenshot.png, kept out of git).
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execa } from 'execa';

const REPORT = 'reports/allure-report';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.txt': 'text/plain', '.png': 'image/png', '.ico': 'image/x-icon',
};

/** the first attachment named `name` anywhere in a test case (steps, fixtures, nested) */
function findAttachment(node: unknown, name: string): { source: string } | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const f = findAttachment(n, name);
      if (f) return f;
    }
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.name === name && typeof o.source === 'string') return { source: o.source };
    for (const v of Object.values(o)) {
      const f = findAttachment(v, name);
      if (f) return f;
    }
  }
  return null;
}

function findScenarioWithTimeline(): { uid: string; name: string; timeline: string } {
  const dir = join(REPORT, 'data', 'test-cases');
  for (const f of readdirSync(dir)) {
    const tc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const att = findAttachment(tc, 'timeline.svg');
    if (att) return { uid: tc.uid, name: tc.name, timeline: join(REPORT, 'data', 'attachments', att.source) };
  }
  throw new Error(`no scenario in ${REPORT} has a timeline.svg attachment`);
}

async function main(): Promise<void> {
  if (!existsSync(join(REPORT, 'index.html'))) throw new Error(`no ${REPORT}/index.html: run npm run report first`);
  const scenario = findScenarioWithTimeline();
  // the attachment itself: an SVG plot with the lanes the timeline draws
  const svg = readFileSync(scenario.timeline, 'utf8');
  const lanesMissing = ['<svg', 'host a', 'host b'].filter((s) => !svg.includes(s));
  if (lanesMissing.length) throw new Error(`${scenario.timeline} is not the timeline plot: lacks ${lanesMissing.join(', ')}`);
  if (!existsSync(CHROMIUM)) {
    console.log(`report check skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    return;
  }
  const root = normalize(REPORT);
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    const file = path.startsWith(root) && existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const profile = mkdtempSync(join(tmpdir(), 'ftchaos-chromium-'));
  const url = `http://127.0.0.1:${port}/#testresult/${scenario.uid}`;
  const flags = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--virtual-time-budget=15000',
    '--window-size=1400,1000',
  ];
  try {
    const dom = await execa(CHROMIUM, [...flags, '--dump-dom', url], { timeout: 60_000 });
    await execa(CHROMIUM, [...flags, '--screenshot=reports/allure-scenario.screenshot.png', url], { timeout: 60_000 });
    const html = dom.stdout;
    const missing = [scenario.name, 'timeline.svg'].filter((s) => !html.includes(s));
    if (missing.length) throw new Error(`the scenario page of "${scenario.name}" rendered without: ${missing.join(', ')}`);
    console.log(`report check ok: "${scenario.name}" renders with its timeline attachment (screenshot: reports/allure-scenario.screenshot.png)`);
  } finally {
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
