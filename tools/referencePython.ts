/**
 * The Python interpreter that runs Brian2, the reference simulator, for `validate` and
 * `bench`: `SPIKEGPU_PYTHON`, else Debian's /usr/bin/python3 (where python3-brian installs).
 */
export const REFERENCE_PYTHON = process.env.SPIKEGPU_PYTHON || '/usr/bin/python3';
