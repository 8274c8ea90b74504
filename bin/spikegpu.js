#!/usr/bin/env node
// The `spikegpu` command: the compiled CLI in dist/ (built by `npm run build`, which `npm ci`
// and `npm install` run in a clone through the `prepare` script).
try {
  await import('../dist/cli/spikegpu.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/spikegpu.js')) {
    process.stderr.write('spikegpu: the compiled CLI is missing (dist/cli/spikegpu.js); run `npm run build` in the spikegpu folder\n');
    process.exit(1);
  }
  throw e;
}
