#!/bin/sh
cd "$(dirname "$0")"
for s in dsv3 kimi_k26 glm52 mistral_small4 sarvam105 hy4 dsv41 glm47flash longcat_lite; do echo "== $s"; python3 $s.py; done
