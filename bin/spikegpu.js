#!/usr/bin/env node
// The `spikegpu` command: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly (Dawn's instance can keep the event loop alive), but only once stdout and
// stderr are flushed: writes to a pipe are asynchronous and exit() would cut them off.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
