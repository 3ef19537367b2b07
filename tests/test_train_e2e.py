"Training end to end: DDP with torchrun (2 CPU processes, gloo) equals one process; papermill's parameter checks."
import json, os, subprocess, sys
from pathlib import Path
import pytest
from PIL import Image
from conftest import ROOT

BIN = Path(sys.executable).parent
TINY = ['model=JiT-XS/8', 'crop=32', 'batch_size=4', 'steps=3', 'eval_every=3', 'log_every=1', 'ckpt_every=3', 'warmup=1',
        'flags={"depth":1,"width":32,"heads":2,"bottleneck":8}']

@pytest.fixture(scope='module')
def val_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp('val')
    from jitsr.data import load_images
    Image.fromarray(load_images('embedded', 'holdout')['chelsea'][:48, :40]).save(d / 'a.png')
    return d

def run(cmd, check=True):
    "Run `cmd` with this environment's bin/ first on PATH (papermill's kernel) and one thread per process."
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PATH': f"{BIN}:{os.environ['PATH']}"}
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=600)
    if check: assert r.returncode == 0, r.stderr[-3000:]
    return r

def test_ddp_two_processes_match_one(tmp_path, val_dir):
    from safetensors.torch import load_file
    run([BIN / 'torchrun', '--nproc_per_node', '2', '--master_port', '29517', '-m', 'jitsr.train', *TINY,
         f'val_data={val_dir}', f'out_dir={tmp_path / "ddp"}'])
    run([sys.executable, '-m', 'jitsr.train', *TINY, f'val_data={val_dir}', f'out_dir={tmp_path / "one"}'])
    cfg = json.loads((tmp_path / 'ddp' / 'config.json').read_text())
    assert cfg['world_size'] == 2
    a, b = load_file(tmp_path / 'ddp' / 'checkpoint.safetensors'), load_file(tmp_path / 'one' / 'checkpoint.safetensors')
    # the same global batches, gradients averaged over ranks: the same weights up to float reduction order
    for k in a:
        if k.startswith('model.'): assert (a[k] - b[k]).abs().max() < 1e-5, k

def test_train_module_reports_bad_settings():
    r = run([sys.executable, '-m', 'jitsr.train', 'cond=tokn'], check=False)
    assert r.returncode == 2 and 'none, concat, token, stream' in r.stderr and 'Traceback' not in r.stderr

def papermill_error(r):
    "papermill's report of a user mistake: exit 2, one line saying what was wrong, no traceback."
    assert r.returncode == 2 and 'Traceback' not in r.stderr, r.stderr[-3000:]
    # one error line of ours, the last; the kernel's own shutdown chatter ('[IPKernelApp] ERROR | KeyboardInterrupt caught') is not ours
    lines = [l for l in r.stderr.splitlines() if 'error' in l.lower() and '[IPKernelApp]' not in l]
    assert len(lines) == 1 and r.stderr.rstrip().endswith(lines[0]), r.stderr[-3000:]
    return lines[0]

def test_papermill_rejects_unknown_cond(tmp_path):
    "A typo in a parameter's value stops the run at its configuration cell in one line naming the allowed values; nothing is trained."
    r = run([BIN / 'papermill', ROOT / 'nbs' / 'train.ipynb', tmp_path / 'out.ipynb', '-p', 'cond', 'tokn', '--cwd', tmp_path],
            check=False)
    assert papermill_error(r).startswith("papermill: error: cond='tokn' is not allowed; choose one of: none, concat, token, stream")
    assert not (tmp_path / 'runs').exists() and 'Traceback' in (tmp_path / 'out.ipynb').read_text()   # the traceback is kept there

def test_papermill_train_runs(tmp_path, val_dir):
    "The run notebook with tiny settings: a run directory with a summary."
    args = ['-p', 'steps', '2', '-p', 'crop', '32', '-p', 'batch_size', '4', '-p', 'eval_every', '2', '-p', 'val_data', str(val_dir),
            '-p', 'out_dir', str(tmp_path / 'run'), '-y', 'flags: {depth: 1, width: 32, heads: 2, bottleneck: 8}']
    run([BIN / 'papermill', ROOT / 'nbs' / 'train.ipynb', tmp_path / 'out.ipynb', *args, '--cwd', tmp_path])
    s = json.loads((tmp_path / 'run' / 'summary.json').read_text())
    assert s['steps'] == 2 and 'bicubic_psnr_y' in s

def test_papermill_rejects_a_misspelt_parameter(tmp_path):
    "`-p step 30` (for steps) is an error that lists the settings, not a warning followed by a default run."
    r = run([BIN / 'papermill', ROOT / 'nbs' / 'train.ipynb', tmp_path / 'out.ipynb', '-p', 'step', '30', '--cwd', tmp_path], check=False)
    assert papermill_error(r).startswith("papermill: error: unknown parameters ['step']; allowed: model, cond")
    assert not (tmp_path / 'runs').exists()

def test_train_notebook_parameters_are_the_config():
    "The parameters cell of nbs/train.ipynb names every TrainConfig setting, in order, with its meaning (papermill --help-notebook)."
    import nbformat
    from jitsr.run import TrainConfig
    nb = nbformat.read(ROOT / 'nbs' / 'train.ipynb', as_version=4)
    cell = next(c for c in nb.cells if 'parameters' in c.metadata.get('tags', []))
    names = [l.split('=')[0].strip() for l in cell.source.splitlines() if '=' in l and not l.startswith('_')]
    assert names == list(TrainConfig.fields())
    r = run([BIN / 'papermill', '--help-notebook', ROOT / 'nbs' / 'train.ipynb'])
    assert 'P_mean' in r.stdout and 'logit-normal' in r.stdout

def test_train_module_help():
    r = run([sys.executable, '-m', 'jitsr.train', '--help'])
    assert 'usage: python -m jitsr.train' in r.stdout and 'noise_scale=1.0' in r.stdout

def test_papermill_realesrgan_resumes_exactly(tmp_path, val_dir):
    "degradation=realesrgan through the run notebook: 4 steps equal 2 steps and a resume to 4, bit for bit."
    from safetensors.torch import load_file
    def nb(out, steps, *extra):
        args = ['-p', 'degradation', 'realesrgan', '-p', 'steps', str(steps), '-p', 'crop', '32', '-p', 'batch_size', '4',
                '-p', 'eval_every', '2', '-p', 'ckpt_every', '2', '-p', 'warmup', '1', '-p', 'val_data', str(val_dir),
                '-p', 'out_dir', str(out), '-y', 'flags: {depth: 1, width: 32, heads: 2, bottleneck: 8}', *extra]
        run([BIN / 'papermill', ROOT / 'nbs' / 'train.ipynb', tmp_path / 'out.ipynb', *args, '--cwd', tmp_path])
    nb(tmp_path / 'one', 4)
    nb(tmp_path / 'two', 2); nb(tmp_path / 'two', 4, '-p', 'resume', 'True')
    assert json.loads((tmp_path / 'two' / 'config.json').read_text())['degradation'] == 'realesrgan'
    assert json.loads((tmp_path / 'two' / 'summary.json').read_text())['resumed_from'] == 2
    a, b = load_file(tmp_path / 'one' / 'checkpoint.safetensors'), load_file(tmp_path / 'two' / 'checkpoint.safetensors')
    assert a.keys() == b.keys()
    for k in a: assert (a[k] == b[k]).all(), k
