// Loaded first by cucumber (see cucumber.json): lets the TypeScript step files load without
// putting `--import tsx` into NODE_OPTIONS, which would leak into every host process.
import { register } from 'tsx/esm/api';

register();
