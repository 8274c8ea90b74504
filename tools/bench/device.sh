#!/usr/bin/env bash
# spikegpu on a machine with a real GPU, in one call: unpacks what tools/bench/device-pack.sh
# packed (node, Dawn, the Vulkan loader), points Dawn at the vendor's Vulkan driver, checks
# that the CLI picks the hardware adapter, compares WebGPU's spike trains with the CPU
# reference's, then runs the benchmark matrix on webgpu and the CPU reference and prints the
# table. Results (JSON, SVG, log) go to $OUT, else bench-out/.
#   usage: tools/bench/device.sh [extra `spikegpu bench` options]   (without options: the
#          default matrix, then the microcircuit matrix on webgpu)
#          tools/bench/device.sh --node script.mjs [args]   (another script, same set-up)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-bench-out}; mkdir -p "$out"
tmp=$(mktemp -d)
if ! command -v node >/dev/null; then
  xz -dc .device/node.xz > "$tmp/node" 2>/dev/null || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open('.device/node.xz'), open(sys.argv[1],'wb'))" "$tmp/node"
  chmod +x "$tmp/node"; export PATH="$tmp:$PATH"
fi
if [ ! -d node_modules ]; then
  dawn=.device/node_modules/webgpu/dist/linux-x64/dawn.node
  [ -f "$dawn" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]+'.xz'), open(sys.argv[1],'wb'))" "$dawn"
  ln -s .device/node_modules node_modules
fi
if ! ldconfig -p | grep -q libvulkan.so.1 || ! ldconfig -p | grep -q libGLdispatch.so.0; then
  # The vendor's Vulkan driver (NVIDIA's libGLX_nvidia) also needs libglvnd's dispatch libraries.
  for f in .device/debs/*.deb; do dpkg -x "$f" /; done; ldconfig
fi
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ] && [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then export VK_DRIVER_FILES=$icd; fi
done
export SPIKEGPU_ADAPTER=hardware XDG_RUNTIME_DIR=$tmp
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
node --version
if [ "${1:-}" = "--node" ]; then
  # Any other measurement with the same set-up: tools/bench/device.sh --node script.mjs [args]
  shift; exec node "$@"
fi
echo "== spikegpu run cuba (backend auto)"
node bin/spikegpu.js run cuba --json | tee "$out/run-cuba.json"
echo
echo "== WebGPU against the CPU reference, spike for spike"
node dist/tools/validation/backendIdentity.js 1000 | tee "$out/identity.txt"
echo
echo "== spikegpu bench $*"
node bin/spikegpu.js bench --out-dir "$out" "$@" 2>&1 | tee "$out/bench.log"
if [ $# -eq 0 ]; then
  # The large-network matrix: the microcircuit at scales 0.1-1, stored and procedural (about 1.5 min on an H200).
  echo
  echo "== spikegpu bench --networks microcircuit --backends webgpu"
  node bin/spikegpu.js bench --out-dir "$out/microcircuit" --networks microcircuit --backends webgpu 2>&1 | tee "$out/bench-microcircuit.log"
fi
