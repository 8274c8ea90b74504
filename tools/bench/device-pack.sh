#!/usr/bin/env bash
# Packs what tools/bench/device.sh needs on a bare Linux x86-64 machine with a GPU and no Node
# into .device/ (git-ignored): this machine's node binary, the runtime npm packages (Dawn for
# linux-x64 only), the Vulkan loader's Debian package, all compressed. Needs a built dist/
# (npm run build), xz and apt-get. Then copy the checkout with .device/ and dist/ to the GPU
# machine and run tools/bench/device.sh there.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/cli/spikegpu.js ] || { echo "device-pack: build first (npm run build)" >&2; exit 1; }
rm -rf .device && mkdir -p .device/node_modules/webgpu/dist/linux-x64 .device/debs
xz -T0 -6 -c "$(command -v node)" > .device/node.xz
cp node_modules/webgpu/{index.js,package.json} .device/node_modules/webgpu/
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .device/node_modules/webgpu/dist/linux-x64/dawn.node.xz
cp -r node_modules/wgsl-preprocessor .device/node_modules/
lists=$(mktemp -d); mkdir -p "$lists/partial"
apt_amd64=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${apt_amd64[@]}" update -qq
(cd .device/debs && apt-get "${apt_amd64[@]}" download libvulkan1 libglvnd0 libgl1 libglx0 libegl1 libgles2 libopengl0 2>/dev/null)
du -sh .device
