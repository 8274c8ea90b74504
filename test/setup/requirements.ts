/**
 * What the test suites need beyond npm packages, checked before `npm test` runs them, and
 * installed with apt-get where that is possible (as `playwright install --with-deps` does):
 * - SwiftShader, the software Vulkan driver Dawn uses where there is no GPU (Debian's chromium
 *   ships it), and the Vulkan loader;
 * - Chromium, which the browser tests drive;
 * - Brian2, the reference simulator of the validation tests (Debian's python3-brian);
 * - PyNN with NEURON under MPI, which runs the exported PyNN scripts (python3-pynn,
 *   python3-mpi4py, openmpi-bin), and the one-time compile of PyNN's NEURON mechanisms
 *   (tools/pynn/setup-neuron.sh, which needs neuron-dev, libinterviews-dev and g++);
 * - h5py, which reads back the NWB files (python3-h5py).
 * Where it cannot install (not root, no apt-get) it stops with the exact command to run.
 *
 * Run: `npx tsx test/setup/requirements.ts` (the first step of `npm test`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { packagePath } from '../../tools/packagePath.ts';
import { BRIAN2_CHECK_ARGS, PYNN_NEURON_CHECK_ARGS, REFERENCE_PYTHON } from '../../tools/referencePython.ts';

interface Requirement {
  /** What it is, for messages. */
  what: string;
  /** Why the tests need it. */
  why: string;
  /** Debian packages that provide it. */
  debianPackages: string[];
  present(): boolean;
  /** A step after the packages are installed (root), e.g. compiling mechanisms. */
  setUp?(): boolean;
}

const succeeds = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore', timeout: 60_000 }).status === 0;
const python = REFERENCE_PYTHON;

const REQUIREMENTS: Requirement[] = [
  {
    what: 'SwiftShader (/usr/lib/chromium/vk_swiftshader_icd.json)',
    why: 'the GPU tests run WebGPU on it where there is no GPU',
    debianPackages: ['chromium'],
    present: () => existsSync('/usr/lib/chromium/vk_swiftshader_icd.json'),
  },
  {
    what: 'Chromium (/usr/bin/chromium)',
    why: 'the browser tests drive it',
    debianPackages: ['chromium'],
    present: () => existsSync('/usr/bin/chromium'),
  },
  {
    what: 'the Vulkan loader (libvulkan.so.1)',
    why: 'Dawn reaches every GPU driver and SwiftShader through it',
    debianPackages: ['libvulkan1'],
    present: () => spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }).stdout?.includes('libvulkan.so.1') ?? false,
  },
  {
    what: `Brian2 (${python} ${BRIAN2_CHECK_ARGS.join(' ')})`,
    why: 'the validation tests compare with it',
    debianPackages: ['python3-brian'],
    present: () => succeeds(python, BRIAN2_CHECK_ARGS),
  },
  {
    what: 'PyNN with NEURON and MPI (pyNN.neuron, its compiled mechanisms, mpi4py, mpirun)',
    why: 'the PyNN tests run exported scripts under mpirun',
    debianPackages: ['python3-pynn', 'python3-mpi4py', 'openmpi-bin', 'neuron-dev', 'libinterviews-dev', 'g++'],
    present: () => succeeds(python, PYNN_NEURON_CHECK_ARGS) && succeeds('mpirun', ['--version']),
    setUp: () => spawnSync('bash', [packagePath('tools/pynn/setup-neuron.sh')], { stdio: 'inherit' }).status === 0,
  },
  {
    what: `h5py (${python} -c 'import h5py')`,
    why: 'the NWB tests read the files back with it',
    debianPackages: ['python3-h5py'],
    present: () => succeeds(python, ['-c', 'import h5py, numpy']),
  },
];

function main(): number {
  const missing = REQUIREMENTS.filter((r) => !r.present());
  if (missing.length === 0) return 0;
  const packages = [...new Set(missing.flatMap((r) => r.debianPackages))];
  const installArgs = ['install', '-y', '-q', '--no-install-recommends', ...packages];
  const log = (line: string) => process.stderr.write(`test requirements: ${line}\n`);
  for (const r of missing) log(`missing ${r.what}: ${r.why}`);
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    log(
      hasApt
        ? `install them, then run npm test again:\n\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}\n` +
            (missing.some((r) => r.setUp) ? '  sudo bash tools/pynn/setup-neuron.sh\n' : '')
        : `this is not a Debian-like system: install the equivalents of the Debian packages ${packages.join(', ')}, then run npm test again`,
    );
    return 1;
  }
  log(`installing ${packages.join(', ')} with apt-get (about a minute)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-q'], installArgs]) {
    log(`apt-get ${args.join(' ')}`);
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) {
      log(`apt-get ${args[0]} failed (exit ${r.status ?? r.signal})`);
      return 1;
    }
  }
  for (const r of missing)
    if (r.setUp && !r.present()) {
      log(`setting up ${r.what}`);
      r.setUp();
    }
  const still = REQUIREMENTS.filter((r) => !r.present());
  for (const r of still) log(`still missing after the install: ${r.what}`);
  return still.length === 0 ? 0 : 1;
}

process.exit(main());
