/**
 * Command-line parsing for the `spikegpu` commands. Each option is described once (`OptionSpec`:
 * type, default, help text); the parser's configuration, the value checks and the help text are
 * all derived from that description, so they cannot drift apart.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { suggest } from '../src/netspec/validateSpec.ts';

/** Invalid input: the CLI prints the message (one line) on stderr and exits 2. */
export class UsageError extends Error {}

interface OptionBase {
  /** One-line description for the help text (the default is appended from `default`). */
  help: string;
  /** A one-letter alias, e.g. 'h' for -h. */
  short?: string;
}

/** A command-line option. `value` is the placeholder shown in the help, e.g. 'ms' for `--duration <ms>`. */
export type OptionSpec =
  | (OptionBase & { type: 'flag' })
  | (OptionBase & { type: 'string'; value: string; default?: string; repeatable?: boolean })
  | (OptionBase & { type: 'number'; value: string; default?: number; min?: number; integer?: boolean })
  /** `value`, where the choices are too long for the option's column: `--against <reference>`, its choices listed in the help. */
  | (OptionBase & { type: 'choice'; choices: readonly string[]; default?: string; value?: string })
  /** Comma-separated: `--networks a,b` → ['a', 'b']. */
  | (OptionBase & { type: 'list'; value: string });

export type OptionTable = Record<string, OptionSpec>;

type ParsedValue<O extends OptionSpec> = O extends { type: 'flag' }
  ? boolean
  : O extends { type: 'number' }
    ? number
    : O extends { type: 'choice'; choices: readonly (infer C)[] }
      ? C
      : O extends { type: 'list' } | { repeatable: true }
        ? string[]
        : string;

/** Flags are false and repeatable options [] when absent; options with a default always have a value. */
type AlwaysSet<O extends OptionSpec> = O extends { type: 'flag' } | { repeatable: true } | { default: string | number } ? true : false;

/** The parsed values of an option table, typed from it. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]: ParsedValue<T[K]> | (AlwaysSet<T[K]> extends true ? never : undefined);
};

/** A positional argument: its name in the usage line and what to say when it is missing. */
export interface Operand {
  name: string;
  missing: string;
  /** An option that stands in for this operand: with it given, the operand may be left out. */
  replacedBy?: string;
}

export interface CommandSpec<T extends OptionTable> {
  name: string;
  /** One line, for the global command list and the top of the command's help. */
  summary: string;
  /** Required positional arguments, in order; no others are accepted. */
  operands: Operand[];
  options: T;
  /** Text after the option list (rules, notes). */
  notes?: string;
  run(values: OptionValues<T>, operands: string[]): Promise<number>;
}

/** A command with its option types erased, as the dispatcher sees it. */
export interface Command {
  name: string;
  summary: string;
  /** `spikegpu <name> <operands>`, for the command list. */
  synopsis: string;
  help(): string;
  /** Parse `args` (everything after the command name) and run; resolves to the exit code. */
  invoke(args: string[]): Promise<number>;
}

const HELP_OPTION = { type: 'flag', short: 'h', help: 'this help' } as const satisfies OptionSpec;

/** Help text is wrapped to this many columns. */
const HELP_WIDTH = 100;

const flagName = (name: string) => `--${name}`;

/** `--duration <ms>`, `-h, --help`, `--backend <auto|webgpu|cpu>`. */
function optionLabel(name: string, o: OptionSpec): string {
  const placeholder =
    o.type === 'flag' ? '' : o.type === 'choice' ? ` <${o.value ?? o.choices.join('|')}>` : o.type === 'list' ? ` ${o.value}` : ` <${o.value}>`;
  return `${o.short ? `-${o.short}, ` : ''}${flagName(name)}${placeholder}`;
}

function optionHelp(o: OptionSpec): string {
  const notes = [
    ...(o.type === 'choice' && o.value ? [`one of ${o.choices.join(', ')}`] : []),
    ...('default' in o && o.default !== undefined ? [`default ${o.default}`] : []),
    ...('repeatable' in o && o.repeatable ? ['repeatable'] : []),
  ];
  return [o.help, ...notes].join('; ');
}

/** Words of `text` in lines of at most `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, indent: number, width = HELP_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Two-column rows: the labels padded to one width, the descriptions wrapped beside them. */
export function helpRows(rows: [label: string, text: string][]): string {
  const column = Math.max(...rows.map(([label]) => label.length)) + 4;
  return rows.map(([label, text]) => `  ${label.padEnd(column - 2)}${wrap(text, column)}`).join('\n');
}

/** The help rows of an option table, -h/--help included. */
export const optionRows = (options: OptionTable): [string, string][] =>
  Object.entries({ ...options, help: HELP_OPTION }).map(([name, o]) => [optionLabel(name, o), optionHelp(o)]);

/** Paragraphs wrapped to the help width (blank lines kept). */
export const helpParagraphs = (text: string) =>
  text
    .split('\n')
    .map((p) => wrap(p, 0))
    .join('\n');

/** A number option's value, checked; `name` as written on the command line, for the message. */
export function toNumber(raw: string, name: string, check: { min?: number; integer?: boolean } = {}): number {
  const x = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(x) && (!check.integer || Number.isInteger(x)) && (check.min === undefined || x >= check.min);
  if (!ok)
    throw new UsageError(
      `${name} must be ${check.integer ? 'an integer' : 'a number'}${check.min === undefined ? '' : ` ≥ ${check.min}`}, got ${JSON.stringify(raw)}`,
    );
  return x;
}

/** A value of `option` from its raw text(s); repeatable options collect every occurrence. */
function convert(name: string, o: OptionSpec, raw: string[]): unknown {
  const last = raw[raw.length - 1];
  switch (o.type) {
    case 'flag':
      return true;
    case 'number':
      return toNumber(last, flagName(name), o);
    case 'choice':
      if (!o.choices.includes(last)) throw new UsageError(`${flagName(name)}: unknown value ${JSON.stringify(last)}${suggest(last, [...o.choices])}`);
      return last;
    case 'list':
      return last
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
    case 'string':
      return o.repeatable ? raw : last;
  }
}

function absentValue(o: OptionSpec): unknown {
  if (o.type === 'flag') return false;
  if (o.type === 'string' && o.repeatable) return [];
  return 'default' in o ? o.default : undefined;
}

/** The usage line of a command. */
const usageLine = (spec: CommandSpec<OptionTable>) => `spikegpu ${[spec.name, ...spec.operands.map((o) => o.name)].join(' ')} [options]`;

/** What the command line asked for: the help (-h/--help anywhere), or a run with these arguments. */
export type Parsed<T extends OptionTable> = { help: true } | { help: false; values: OptionValues<T>; positionals: string[] };

/**
 * Parse `args` against `options` (plus -h/--help). Unknown options and missing or unexpected
 * values are UsageErrors (`context` names the command in the message), unless help was asked for.
 */
export function parseOptions<T extends OptionTable>(args: string[], options: T, context: string): Parsed<T> {
  const table: OptionTable = { ...options, help: HELP_OPTION };
  const config: ParseArgsConfig['options'] = Object.fromEntries(
    Object.entries(table).map(([name, o]) => [
      name,
      { type: o.type === 'flag' ? ('boolean' as const) : ('string' as const), ...(o.short ? { short: o.short } : {}) },
    ]),
  );
  // Not strict: the checks below give one-line messages with suggestions instead of Node's.
  const { tokens } = parseArgs({ args, options: config, strict: false, allowPositionals: true, tokens: true });
  const raw = new Map<string, string[]>();
  const positionals: string[] = [];
  let help = false;
  let problem: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const o = Object.hasOwn(table, token.name) ? table[token.name] : undefined;
    if (o === HELP_OPTION) help = true;
    // Only the first problem is reported; help, wherever it is, wins over all of them.
    else if (problem) continue;
    else if (!o) problem = `unknown option ${token.rawName} for ${context}${suggest(token.rawName, Object.keys(table).map(flagName))}`;
    else if (o.type === 'flag' && token.value !== undefined) problem = `${token.rawName} takes no value, got ${JSON.stringify(token.value)}`;
    // A following "--option" was taken as the value: the value was forgotten.
    else if (o.type !== 'flag' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))))
      problem = `${token.rawName} needs a value (${optionLabel(token.name, o)})`;
    else raw.set(token.name, [...(raw.get(token.name) ?? []), token.value ?? '']);
  }
  if (help) return { help };
  if (problem) throw new UsageError(problem);
  const values = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, raw.has(name) ? convert(name, o, raw.get(name)!) : absentValue(o)]));
  return { help, values: values as OptionValues<T>, positionals };
}

/** A command from its description: help text and argument checks derived from `spec`. */
export function defineCommand<T extends OptionTable>(spec: CommandSpec<T>): Command {
  const erased = spec as unknown as CommandSpec<OptionTable>;
  const help = () =>
    [
      `Usage: ${usageLine(erased)}`,
      '',
      helpParagraphs(spec.summary),
      '',
      'Options:',
      helpRows(optionRows(spec.options)),
      ...(spec.notes ? ['', helpParagraphs(spec.notes)] : []),
    ].join('\n') + '\n';
  return {
    name: spec.name,
    summary: spec.summary,
    synopsis: [spec.name, ...spec.operands.map((o) => o.name)].join(' '),
    help,
    async invoke(args) {
      const parsed = parseOptions(args, spec.options, `'spikegpu ${spec.name}'`);
      if (parsed.help) {
        process.stdout.write(help());
        return 0;
      }
      const { values, positionals } = parsed;
      const missing = spec.operands.slice(positionals.length).find((o) => !(o.replacedBy && values[o.replacedBy] !== undefined));
      if (missing) throw new UsageError(`${spec.name} needs ${missing.missing}; usage: ${usageLine(erased)}`);
      const extra = positionals[spec.operands.length];
      if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}; usage: ${usageLine(erased)}`);
      return spec.run(values, positionals);
    },
  };
}
