/**
 * The Python interpreter that runs Brian2, the reference simulator, for `validate` and
 * `bench`: `SPIKEGPU_PYTHON`, else Debian's /usr/bin/python3 (where python3-brian installs).
 */
export const REFERENCE_PYTHON = process.env.SPIKEGPU_PYTHON || '/usr/bin/python3';

/**
 * Arguments that succeed only where Brian2 is installed. A bare `import brian2` is not enough:
 * a removed package can leave its folder behind (caches Brian2 writes at run time), which
 * Python then imports as an empty namespace package.
 */
export const BRIAN2_CHECK_ARGS = ['-c', 'from brian2 import NeuronGroup'];

/**
 * Arguments that succeed only where pyNN.neuron runs with its NMODL mechanisms compiled
 * (tools/pynn/setup-neuron.sh; the Izhikevich cell is one of them) and mpi4py is installed.
 */
export const PYNN_NEURON_CHECK_ARGS = ['-c', 'import mpi4py, pyNN.neuron as sim; sim.setup(); sim.Population(1, sim.Izhikevich())'];
