"data/prepare.py: the shared sets match their recorded checksums; a changed file is caught."
import shutil, subprocess, sys
from pathlib import Path
from conftest import ROOT, shared_set

def run(*args):
    return subprocess.run([sys.executable, str(ROOT / 'data' / 'prepare.py'), *map(str, args)], capture_output=True, text=True)

def test_shared_sets_verify():
    r = run('verify', shared_set('Set5').parent)
    assert r.returncode == 0 and 'all files match' in r.stdout, r.stdout + r.stderr

def test_mismatch_is_reported(tmp_path):
    shutil.copytree(shared_set('Set5'), tmp_path / 'Set5')
    (tmp_path / 'Set5' / 'baby.png').write_bytes(b'changed')
    r = run('verify', tmp_path)
    assert r.returncode == 1 and 'MISMATCH  Set5/baby.png' in r.stdout

def test_not_a_folder(tmp_path):
    r = run('verify', tmp_path / 'nope')
    assert r.returncode != 0 and 'not a folder' in r.stderr
