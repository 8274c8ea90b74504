#!/usr/bin/env node
// The `spikegpu` command: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
// Exit explicitly: Dawn's instance can keep the event loop alive after the device is gone.
process.exit(await main(process.argv.slice(2)));
