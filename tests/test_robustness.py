"""Images the study has never seen: a corpus of bad and unusual files, each driven through data loading,
`jitsr eval` and `jitsr upscale` with its documented behaviour; and a training run killed and resumed
(a bad papermill parameter: tests/test_train_e2e.py)."""
import json, struct, subprocess, sys, time, zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from conftest import jitsr, last_json
from test_upscale_cli import TINY, refused, tiny_data, tiny_run, upscale

def png_header(w: int, h: int) -> bytes:
    "A valid PNG signature and IHDR claiming w x h RGB pixels, then IEND: no pixel data at all."
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IEND', b'')

def _png(a) -> bytes:
    import io
    buf = io.BytesIO(); Image.fromarray(a).save(buf, 'PNG')
    return buf.getvalue()

PHOTO = np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8)

# name: (file content or writer, load_image result: shape or the BadImage message, eval, upscale)
# eval: 'n=1' scored, or the error; upscale: the PNG mode written, or the error.
CORPUS = {
    'truncated.png': (_png(PHOTO)[:300], 'image file is truncated', 'truncated', 'truncated'),
    'zero-bytes.png': (b'', 'empty file', 'empty file', 'empty file'),
    'text.png': (b'this is not an image\n', 'cannot identify image file', 'cannot identify', 'cannot identify'),
    'one-pixel.png': (_png(np.full((1, 1, 3), 90, np.uint8)), (1, 1, 3), '1x1 is smaller than the scale 4', 'RGB'),
    'gray16.png': (_png((PHOTO[..., 0].astype(np.uint16) * 257)), (40, 48, 1), 'n=1', 'L'),
    'cmyk.jpg': (lambda p: Image.fromarray(PHOTO).convert('CMYK').save(p, quality=95), (40, 48, 3), 'n=1', 'RGB'),
    'huge-header.png': (png_header(100_000, 100_000), 'exceeds limit', 'exceeds limit', 'exceeds limit'),
    'over-max-pixels.png': (png_header(12_000, 9_000), 'more than the 100,000,000 allowed', 'more than', 'more than'),
}

def make(folder: Path, name: str) -> Path:
    content = CORPUS[name][0]
    p = folder / name
    content(p) if callable(content) else p.write_bytes(content)
    return p

@pytest.fixture(scope='module')
def corpus(tmp_path_factory):
    "Each corpus file alone in a folder of its own (what `jitsr eval --data` takes)."
    base = tmp_path_factory.mktemp('corpus')
    for name in CORPUS: (base / name).mkdir(); make(base / name, name)
    return base

@pytest.fixture(scope='session')
def run(tmp_path_factory): return tiny_run(tmp_path_factory.getbasetemp())

@pytest.mark.parametrize('name', CORPUS)
def test_load_image(corpus, name):
    from jitsr.data import BadImage, load_image
    expect = CORPUS[name][1]
    if isinstance(expect, tuple):
        assert load_image(corpus / name / name, rgb=False).shape == expect
    else:
        with pytest.raises(BadImage, match=expect) as e: load_image(corpus / name / name)
        assert name in str(e.value)

def test_cmyk_and_16_bit_values(corpus):
    from jitsr.data import load_image
    np.testing.assert_array_equal(load_image(corpus / 'gray16.png' / 'gray16.png', rgb=False)[..., 0], PHOTO[..., 0])
    assert np.abs(load_image(corpus / 'cmyk.jpg' / 'cmyk.jpg').astype(int) - PHOTO).mean() < 8   # PIL's CMYK round trip

@pytest.mark.parametrize('name', CORPUS)
def test_eval(capsys, corpus, name):
    from jitsr.cli import main
    expect = CORPUS[name][2]
    try: main(['eval', '--data', str(corpus / name), '--json']); code = 0
    except SystemExit as e: code = e.code
    out, err = capsys.readouterr()
    if expect == 'n=1': assert code == 0 and json.loads(out.strip().splitlines()[-1])['n'] == 1, err
    else: assert code == 2 and expect in err and 'Traceback' not in err, err

def test_eval_skips_bad_files_in_a_folder(corpus, tmp_path):
    "A folder mixing good and bad files is scored on the good ones, one warning line per skipped file."
    names = [n for n in CORPUS if n != 'one-pixel.png']          # a too-small image stops eval (see test_eval)
    for n in names: make(tmp_path, n)
    Image.fromarray(PHOTO).save(tmp_path / 'photo.png')
    r = jitsr('eval', '--data', tmp_path, '--json', check=False)
    assert r.returncode == 0 and 'Traceback' not in r.stderr, r.stderr
    res = last_json(r)
    assert res['n'] == 3 and sorted(p['name'] for p in res['per_image']) == ['cmyk.jpg', 'gray16.png', 'photo.png']
    lines = r.stderr.splitlines()
    for n in set(names) - {'cmyk.jpg', 'gray16.png'}:
        assert len([l for l in lines if l.startswith('jitsr: skipped ') and n in l]) == 1, (n, r.stderr)
    assert any(l.startswith('jitsr: skipped 5 of 8 files in') for l in lines), r.stderr

@pytest.mark.parametrize('name', CORPUS)
def test_upscale(capsys, corpus, run, tmp_path, name):
    expect = CORPUS[name][3]
    src = corpus / name / name
    args = (src, tmp_path / 'out.png', '--ckpt', run, '--device', 'cpu')
    if expect in ('RGB', 'L'):
        code, out, err = upscale(capsys, *args)
        assert code == 0, err
        with Image.open(src) as a, Image.open(tmp_path / 'out.png') as b:
            assert (b.mode, b.size) == (expect, (4 * a.width, 4 * a.height))
    else:
        refused(capsys, expect, *args)
        assert not (tmp_path / 'out.png').exists()

def test_eval_with_a_mismatched_checkpoint(capsys, run, tmp_path):
    from safetensors.torch import load_file, safe_open, save_file
    from jitsr.cli import main
    other = tiny_run(tmp_path, 'wider', flags={**TINY['flags'], 'width': 64})
    with safe_open(run / 'checkpoint.safetensors', 'pt') as f: meta = f.metadata()
    (tmp_path / 'mixed').mkdir()
    save_file(load_file(other / 'checkpoint.safetensors'), tmp_path / 'mixed' / 'checkpoint.safetensors', metadata=meta)
    with pytest.raises(SystemExit) as e: main(['eval', '--ckpt', str(tmp_path / 'mixed'), '--data', str(tiny_data(tmp_path))])
    err = capsys.readouterr().err
    assert e.value.code == 2 and 'does not fit this model configuration' in err and 'Traceback' not in err

TRAIN = """import json, sys, torch
torch.set_num_threads(int(sys.argv[2]))
from jitsr.run import TrainConfig
from jitsr.train import train
train(TrainConfig(**json.loads(sys.argv[1])), progress=False)
"""

def test_killed_training_resumes_to_the_same_weights(tmp_path):
    "SIGKILL after the first checkpoint, resume: model, EMA and optimizer end bit-identical to an uninterrupted run."
    from safetensors.torch import load_file, safe_open
    from jitsr.run import TrainConfig
    from jitsr.train import train
    data = str(tiny_data(tmp_path))
    cfg = {**TINY, 'steps': 40, 'ckpt_every': 1, 'eval_every': 20, 'log_every': 10, 'data': data, 'val_data': data}
    killed = tmp_path / 'killed'
    ckpt = killed / 'checkpoint.safetensors'
    p = subprocess.Popen([sys.executable, '-c', TRAIN, json.dumps({**cfg, 'out_dir': str(killed)}), '1'])
    try:
        deadline = time.time() + 240
        while not ckpt.exists() and p.poll() is None and time.time() < deadline: time.sleep(0.002)
    finally:
        p.kill(); p.wait()
    with safe_open(ckpt, 'pt') as f: step = int(f.metadata()['step'])
    assert 0 < step < cfg['steps'] and not (killed / 'summary.json').exists(), f'killed at step {step}: too late to test resuming'
    threads = torch.get_num_threads()
    torch.set_num_threads(1)                                       # as in the killed process: the same float sums
    try:
        summary = train(TrainConfig(**cfg, out_dir=str(killed), resume=True), progress=False)
        train(TrainConfig(**cfg, out_dir=str(tmp_path / 'whole')), progress=False)
    finally: torch.set_num_threads(threads)
    assert summary['resumed_from'] == step
    a, b = load_file(ckpt), load_file(tmp_path / 'whole' / 'checkpoint.safetensors')
    assert a.keys() == b.keys() and any(k.startswith('opt.') for k in a)
    assert [k for k in a if not torch.equal(a[k], b[k])] == []
