/** Process entry of the witness: `node --import tsx witness-main.ts '<json config>'` (see witness-run.ts). */
import { runWitness, type WitnessConfig } from './witness-run.ts';

runWitness(JSON.parse(process.argv[2] ?? '{}') as WitnessConfig);
