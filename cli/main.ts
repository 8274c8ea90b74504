/**
 * The `spikegpu` command: global options (--help, --version), the command dispatch, and the
 * exit status. Each command lives in its own file with its own options and help.
 * Exit status: 0 success, 2 invalid input (one line on stderr), 1 runtime failure (one line;
 * SPIKEGPU_DEBUG=1 adds the stack).
 */
import { NoAdapterError } from '../src/gpu/device.ts';
import { SpecError } from '../src/netspec/errors.ts';
import { suggest } from '../src/netspec/validateSpec.ts';
import { helpParagraphs, helpRows, optionRows, parseOptions, UsageError, type Command, type OptionTable } from './args.ts';
import { benchCommand } from './bench.ts';
import { learnCommand } from './learn.ts';
import { exportCommand, networksCommand } from './networks.ts';
import { runCommand } from './run.ts';
import { spikegpuVersion as version, webGpuHint } from './shared.ts';
import { validateCommand } from './validate.ts';

const COMMANDS: Command[] = [runCommand, networksCommand, exportCommand, validateCommand, learnCommand, benchCommand];

const GLOBAL_OPTIONS = {
  version: { type: 'flag', short: 'V', help: 'print the version' },
} as const satisfies OptionTable;

function globalHelp(): string {
  const commands = COMMANDS.map((c): [string, string] => [c.synopsis, c.summary]);
  commands.push(['help <command>', "a command's usage and options (as 'spikegpu <command> --help')"]);
  return (
    [
      `spikegpu ${version()}: spiking neural networks on WebGPU`,
      '',
      'Usage: spikegpu <command> [options]',
      '',
      'Commands:',
      helpRows(commands),
      '',
      'Options:',
      helpRows(optionRows(GLOBAL_OPTIONS)),
      '',
      helpParagraphs(
        'Exit status: 0 success, 1 runtime failure, 2 invalid input (errors are one line on stderr; SPIKEGPU_DEBUG=1 adds the stack trace).\n' +
          'Environment: SPIKEGPU_ADAPTER=software|hardware|none picks the WebGPU adapter (none: as if there were none); SPIKEGPU_PYTHON is the Python with Brian2 for validate (default /usr/bin/python3).',
      ),
    ].join('\n') + '\n'
  );
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}${suggest(name, [...COMMANDS.map((c) => c.name), 'help'])}`);
  return command;
}

/** `spikegpu [global options] <command> [command arguments]`. */
async function dispatch(argv: string[]): Promise<number> {
  // Global options come before the command; everything after it is the command's.
  const commandAt = argv.findIndex((a) => !a.startsWith('-'));
  const globalArgs = commandAt < 0 ? argv : argv.slice(0, commandAt);
  const parsed = parseOptions(globalArgs, GLOBAL_OPTIONS, "'spikegpu' (a command's options go after it)");
  if (parsed.help || parsed.values.version) {
    process.stdout.write(parsed.help ? globalHelp() : `${version()}\n`);
    return 0;
  }
  if (commandAt < 0) throw new UsageError(`no command given; one of: ${COMMANDS.map((c) => c.name).join(', ')} (see 'spikegpu --help')`);
  const [name, ...args] = argv.slice(commandAt);
  if (name !== 'help') return findCommand(name).invoke(args);
  if (args.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args[1])}; usage: spikegpu help [command]`);
  process.stdout.write(args.length ? findCommand(args[0]).help() : globalHelp());
  return 0;
}

/** The one line for a runtime failure, with the way out where there is one. */
function failureLine(e: Error): string {
  const message = e.message.split('\n')[0];
  return e instanceof NoAdapterError ? `${message}${webGpuHint(message)}; --backend auto or cpu runs the CPU reference` : message;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (err instanceof UsageError || err instanceof SpecError) {
      process.stderr.write(`spikegpu: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`spikegpu: ${failureLine(err)}\n`);
    if (process.env.SPIKEGPU_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
