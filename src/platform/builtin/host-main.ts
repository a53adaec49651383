/** Process entry of a host: `node --import tsx host-main.ts '<HostConfig json>'` (see host-run.ts). */
import type { HostConfig } from './host-config.ts';
import { runHost } from './host-run.ts';

runHost(JSON.parse(process.argv[2] ?? '{}') as HostConfig);
