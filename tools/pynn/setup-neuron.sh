#!/usr/bin/env bash
# One-time set-up of pyNN.neuron on Debian 12 (python3-pynn): compile PyNN's NMODL mechanisms.
# Debian's nrnivmodl looks for /usr/bin/nrnmech_makefile, which Debian installs in /usr/lib/nrn/;
# a stand-in NRNHOME whose bin/, lib, include and share point at the Debian paths fixes that.
# Needs root (it writes into PyNN's install folder), neuron-dev, libinterviews-dev and g++.
# Idempotent: does nothing when the mechanisms are already compiled.
set -euo pipefail
python=${SPIKEGPU_PYTHON:-/usr/bin/python3}
nmodl=$("$python" -c 'import os, pyNN; print(os.path.join(os.path.dirname(pyNN.__file__), "neuron", "nmodl"))')
arch=$(uname -m)
if [ -e "$nmodl/$arch/.libs/libnrnmech.so" ] || [ -e "$nmodl/$arch/libnrnmech.so" ]; then exit 0; fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir "$home/bin"
ln -s /usr/bin/nocmodl /usr/lib/nrn/nrnmech_makefile "$home/bin/"
ln -s /usr/lib/nrn "$home/lib"
ln -s /usr/include "$home/include"
ln -s /usr/share "$home/share"
cd "$nmodl"
NRNHOME=$home nrnivmodl >/tmp/spikegpu-nrnivmodl.log 2>&1 || { tail -20 /tmp/spikegpu-nrnivmodl.log >&2; echo "nrnivmodl failed in $nmodl (log: /tmp/spikegpu-nrnivmodl.log)" >&2; exit 1; }
