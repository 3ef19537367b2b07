"`python -m jitsr.study`: the plan of each profile and clear errors (the smoke study itself: nbs/21_study.ipynb, --flags slow)."
import subprocess, sys
import pytest

def study(*args):
    return subprocess.run([sys.executable, '-m', 'jitsr.study', *map(str, args)], capture_output=True, text=True, timeout=300)

@pytest.mark.parametrize('profile', ['cpu', 'gpu', 'smoke'])
def test_dry_run_lists_the_study(profile, tmp_path):
    r = study('--profile', profile, '--runs-root', tmp_path / 'runs', '--reports', tmp_path / 'reports', '--dry-run')
    assert r.returncode == 0, r.stderr
    jobs = [l.split(':')[0] for l in r.stdout.splitlines() if not l.startswith('note')]
    assert jobs[0] == 'toy' and jobs[-1] == 'report'
    assert {'train jit-concat', 'train jit-token', 'train jit-stream', 'train jit-stream-A', 'train jit-stream-D',
            'train edsr-baseline', 'train swinir-light', 'eval mean'} <= set(jobs)
    assert not (tmp_path / 'runs').exists() and not (tmp_path / 'reports').exists()   # a dry run writes nothing

def test_unknown_profile_is_a_clear_error():
    r = study('--profile', 'tpu')
    assert r.returncode == 2 and 'unknown profile' in r.stderr and 'cpu, full, gpu, smoke' in r.stderr and 'Traceback' not in r.stderr

def test_full_profile_has_three_seeds_of_every_arm(tmp_path):
    r = study('--profile', 'full', '--runs-root', tmp_path / 'runs', '--reports', tmp_path / 'reports', '--dry-run')
    assert r.returncode == 0, r.stderr
    jobs = [l.split(':')[0] for l in r.stdout.splitlines() if not l.startswith('note')]
    arms = ('jit-token', 'jit-concat', 'jit-stream', 'jit-token-noskip', 'jit-concat-noskip', 'jit-stream-noskip',
            'edsr-baseline', 'swinir-light')
    assert {f'train {a}-s{s}' for a in arms for s in (0, 1, 2)} <= set(jobs)
    assert jobs[0] == 'train jit-token-s0' and jobs[-2:] == ['eval mean', 'report']
