#!/bin/bash
# schedule grid (issue 11): token + skip + add, 1500 steps, seed 0, one thread each; the default arm is runs/full/jit-token-s0
cd /work/main
q() { wait_for=$1; shift
  while [ ! -f runs/schedule/$wait_for/summary.json ] && pgrep -f "out_dir=runs/schedule/$wait_for " > /dev/null; do sleep 10; done
  for spec in "$@"; do name=${spec%%:*}; args=${spec#*:};
  [ -f runs/schedule/$name/summary.json ] && continue
  OMP_NUM_THREADS=1 .venv/bin/python -m jitsr.train out_dir=runs/schedule/$name device=cpu eval_every=500 $args resume=true > runs/schedule/$name.log 2>&1; done; }
q pmean0.8 "noise0.5:noise_scale=0.5" "residual-noise0.25:diffuse=residual noise_scale=0.25" &
q pmean2.0 "vloss:loss=v" 'pure:flags={"lr_skip":true}' &
wait
