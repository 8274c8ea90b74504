/**
 * The demos use spikegpu as a user would: every module (the pages, demos/lib, the simulation
 * worker, the pages' inline scripts and the files they load) reaches the library only as
 * 'spikegpu', the package's export, and nothing else outside demos/ (no path into src/).
 * A static check of the sources: no browser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEMOS = join(ROOT, 'demos');

/** Every module specifier or file URL in a script: imports, exports, dynamic imports, and `new URL('…', import.meta.url)` (workers). */
function scriptReferences(code: string): string[] {
  const imports = ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName);
  const urls = [...code.matchAll(/new URL\(\s*['"`]([^'"`]+)['"`]\s*,\s*import\.meta\.url/g)].map((m) => m[1]);
  return [...imports, ...urls];
}

/** Scripts and files a page loads: `src` / `href` attributes (not links to other pages or data: URLs) and its inline module scripts' references. */
function pageReferences(html: string): string[] {
  const attributes = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((url) => !url.startsWith('data:'));
  const inline = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].flatMap((m) => scriptReferences(m[1]));
  return [...attributes, ...inline];
}

/** Each demo source file (relative to demos/) with what it references. */
const references = readdirSync(DEMOS, { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.(ts|html)$/.test(file))
  .map((file) => {
    const text = readFileSync(join(DEMOS, file), 'utf8');
    return { file, refs: file.endsWith('.html') ? pageReferences(text) : scriptReferences(text) };
  });

describe('the demos import spikegpu as users do', () => {
  it('finds the pages, demos/lib and the worker', () => {
    const files = references.map((r) => r.file);
    for (const file of [
      'index.html',
      'raster.html',
      'raster.ts',
      'learning.ts',
      'learn.ts',
      'scale.ts',
      'editor.ts',
      'lib/ui.ts',
      'lib/simClient.ts',
      'lib/simWorker.ts',
    ])
      expect(files).toContain(file);
    expect(references.find((r) => r.file === 'lib/simWorker.ts')!.refs).toContain('spikegpu');
    expect(references.find((r) => r.file === 'lib/simClient.ts')!.refs).toContain('./simWorker.ts');
  });

  it("references nothing but 'spikegpu', files inside demos/ and the package's data/ (as an asset URL)", () => {
    // The package ships its data files (data/digits.csv.gz) beside the library: a URL to one is not library code.
    const dataAsset = (file: string, ref: string) =>
      /\?url$/.test(ref) && relative(resolve(DEMOS, '..', 'data'), resolve(DEMOS, dirname(file), ref.replace(/\?url$/, ''))).split('/')[0] !== '..';
    const outside = references.flatMap(({ file, refs }) =>
      refs
        .filter(
          (ref) =>
            ref !== 'spikegpu' && !dataAsset(file, ref) && (!ref.startsWith('.') || relative(DEMOS, resolve(DEMOS, dirname(file), ref)).startsWith('..')),
        )
        .map((ref) => `${file}: ${ref}`),
    );
    expect(outside).toEqual([]);
  });
});
