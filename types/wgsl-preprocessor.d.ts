/** wgsl-preprocessor ships no types and no `main`; we import its single file. */
declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  /** Template tag for WGSL with `#if ${cond}` / `#elif ${cond}` / `#else` / `#endif`. */
  export function wgsl(strings: TemplateStringsArray, ...values: unknown[]): string;
}
