/**
 * The `spikegpu` process: runs the command line and exits with its status. `bin/spikegpu.js`
 * starts the compiled copy of this file; tests start the source through tsx.
 */
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
// Exit explicitly (Dawn's instance can keep the event loop alive), but only once stdout and
// stderr are flushed: writes to a pipe are asynchronous and exit() would cut them off.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
