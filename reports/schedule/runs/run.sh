#!/bin/bash
# schedule grid: token + skip + add, 1500 steps, seed 0; two queues, one thread each
cd /work/main
q() { for spec in "$@"; do name=${spec%%:*}; args=${spec#*:}; 
  [ -f runs/schedule/$name/summary.json ] && continue
  OMP_NUM_THREADS=1 .venv/bin/python -m jitsr.train out_dir=runs/schedule/$name device=cpu eval_every=500 $args resume=true > runs/schedule/$name.log 2>&1; done; }
q "pmean0.8:P_mean=0.8" "noise0.5:noise_scale=0.5" "residual:diffuse=residual" &
q "pmean2.0:P_mean=2.0" "vloss:loss=v" "residual-noise0.25:diffuse=residual noise_scale=0.25" &
wait
