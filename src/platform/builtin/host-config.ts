/** What the driver hands a host process (as one JSON argument). */
import type { HostLinks, HostName } from '../types.ts';
import type { BuiltinOptions } from './options.ts';

export interface HostConfig {
  name: HostName;
  peer: HostName;
  /** 'primary': boot the guest and take the lease (cold); 'backup': wait for a primary's state */
  initialRole: 'primary' | 'backup';
  links: HostLinks;
  /** the platform options, with the planted bug if any (bugs.ts) */
  options: BuiltinOptions;
  /** structured log file */
  logFile: string;
  /** guest serial console file */
  consoleFile: string;
  /** VM layer module (default src/vm/index.ts) */
  vmModule?: string;
  /** guest image path (default: the VM layer's own default) */
  imagePath?: string;
  /** run without a peer (a lone, unprotected VM, used as the no-FT baseline) */
  solo?: boolean;
}
