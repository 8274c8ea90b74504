/**
 * Whether the module at `moduleUrl` (its `import.meta.url`) is the script Node was started
 * with, so a tool can be both imported (by tests) and run (`npx tsx tools/…`).
 * @example if (isMainModule(import.meta.url)) await main();
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function isMainModule(moduleUrl: string): boolean {
  try {
    return process.argv[1] !== undefined && moduleUrl === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}
