"`jitsr upscale`: any size and mode in, a PNG `scale` times larger out; every refusal is one line and exit status 2."
import json, pickle, re, struct, zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from conftest import ROOT, jitsr, last_json
from jitsr.fixtures import TINY_JIT

TINY = dict(model='JiT-XS/8', crop=32, batch_size=4, steps=2, eval_every=2, log_every=1, ckpt_every=1, warmup=1,
            flags=TINY_JIT, device='cpu')

def tiny_data(base: Path) -> Path:
    "A folder with one 32x40 photograph-sized noise image: training and holdout data that load in milliseconds."
    data = base / 'tiny-data'
    if not data.exists():
        data.mkdir()
        Image.fromarray(np.random.default_rng(0).integers(0, 256, (32, 40, 3), dtype=np.uint8)).save(data / 'a.png')
    return data

def tiny_run(base: Path, name: str = 'tiny-run', **kw) -> Path:
    "A run of a one-block JiT under `base` (a few seconds on a CPU), trained once per test session."
    out = base / name
    if not (out / 'checkpoint.safetensors').exists():
        from jitsr.run import TrainConfig
        from jitsr.train import train
        data = str(tiny_data(base))
        train(TrainConfig(**{**TINY, 'data': data, 'val_data': data, 'out_dir': str(out), **kw}), progress=False)
    return out

@pytest.fixture(scope='session')
def run(tmp_path_factory): return tiny_run(tmp_path_factory.getbasetemp())

def upscale(capsys, *args):
    "`jitsr upscale ARGS` in this process: (exit status, stdout, stderr). Any exception but SystemExit fails the test."
    from jitsr.cli import main
    try: main(['upscale', *map(str, args)]); code = 0
    except SystemExit as e: code = e.code
    out, err = capsys.readouterr()
    return code, out, err

def refused(capsys, message, *args):
    code, out, err = upscale(capsys, *args)
    assert code == 2 and message in err and 'Traceback' not in err, (code, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith('jitsr upscale: error: '), err
    return err

rng = np.random.default_rng(1)
RGB = rng.integers(0, 256, (23, 37, 3), dtype=np.uint8)        # not a multiple of the tile: 3 x 5 overlapping tiles

def png16(rgb16: np.ndarray) -> bytes:
    "A 16-bit-per-channel RGB PNG (PIL cannot write one): IHDR, one zlib stream of unfiltered rows, IEND."
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
    h, w, _ = rgb16.shape
    rows = b''.join(b'\x00' + r.astype('>u2').tobytes() for r in rgb16)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))

def palette(transparent: bool):
    im = Image.fromarray(RGB).quantize(16)
    if transparent: im.info['transparency'] = 0
    return im

INPUTS = {   # name: (make the file, mode written)
    'rgb.png': (lambda p: Image.fromarray(RGB).save(p), 'RGB'),
    'gray.png': (lambda p: Image.fromarray(RGB[..., 0]).save(p), 'L'),
    'bilevel.png': (lambda p: Image.fromarray(RGB[..., 0] > 128).save(p), 'L'),
    'gray16.png': (lambda p: Image.fromarray(RGB[..., 0].astype(np.uint16) * 257).save(p), 'L'),
    'rgb16.png': (lambda p: p.write_bytes(png16(RGB.astype(np.uint16) * 257)), 'RGB'),
    'gray-alpha.png': (lambda p: Image.fromarray(RGB[..., :2], 'LA').save(p), 'LA'),
    'rgba.png': (lambda p: Image.fromarray(np.dstack([RGB, RGB[..., 0]]), 'RGBA').save(p), 'RGBA'),
    'palette.png': (lambda p: palette(False).save(p), 'RGB'),
    'palette-transparent.png': (lambda p: palette(True).save(p, transparency=0), 'RGBA'),
    'cmyk.jpg': (lambda p: Image.fromarray(RGB).convert('CMYK').save(p), 'RGB'),
    'one-pixel.png': (lambda p: Image.new('RGB', (1, 1), (10, 200, 30)).save(p), 'RGB'),
    'one-by-fifty.png': (lambda p: Image.fromarray(RGB[:1, :, 0].repeat(2, 1)[:, :50]).save(p), 'L'),
}

@pytest.mark.parametrize('name', INPUTS)
def test_every_mode_and_size(capsys, run, tmp_path, name):
    make, mode = INPUTS[name]
    make(tmp_path / name)
    with Image.open(tmp_path / name) as im: w, h = im.size
    code, out, err = upscale(capsys, tmp_path / name, tmp_path / 'out.png', '--ckpt', run, '--device', 'cpu', '--json')
    assert code == 0, err
    rec = json.loads(out.strip().splitlines()[-1])
    with Image.open(tmp_path / 'out.png') as im:
        assert (im.format, im.mode, im.size) == ('PNG', mode, (4 * w, 4 * h))
        assert json.loads(im.text['jitsr'])['model'] == 'JiT-XS/8'
    assert (rec['mode'], rec['width'], rec['height'], rec['scale']) == (mode, 4 * w, 4 * h, 4)

def test_alpha_is_bicubic_and_gray_is_the_channel_mean(capsys, run, tmp_path):
    from jitsr.data import imresize
    from jitsr.infer import make_upscaler
    from jitsr.run import load_run
    rgba = np.dstack([RGB, RGB[..., 1]])
    Image.fromarray(rgba, 'RGBA').save(tmp_path / 'a.png')
    assert upscale(capsys, tmp_path / 'a.png', tmp_path / 'b.png', '--ckpt', run, '--device', 'cpu')[0] == 0
    out = np.asarray(Image.open(tmp_path / 'b.png'))
    np.testing.assert_array_equal(out[..., 3], imresize(RGB[..., 1:2], 4)[..., 0])
    net, cfg = load_run(run)
    np.testing.assert_array_equal(out[..., :3], make_upscaler(net, cfg, 'cpu')(RGB))   # colour as stored, not composited
    Image.fromarray(RGB[..., 2]).save(tmp_path / 'g.png')
    assert upscale(capsys, tmp_path / 'g.png', tmp_path / 'h.png', '--ckpt', run, '--device', 'cpu')[0] == 0
    sr = make_upscaler(net, cfg, 'cpu')(RGB[..., 2:].repeat(3, 2)).astype(np.float64)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / 'h.png')), np.floor(sr.mean(2) + 0.5))

def test_sampler_settings_and_seed(capsys, run, tmp_path):
    Image.fromarray(RGB).save(tmp_path / 'in.png')
    def out(name, *opts):
        code, _, err = upscale(capsys, tmp_path / 'in.png', tmp_path / name, '--ckpt', run, '--device', 'cpu', *opts)
        assert code == 0, err
        return np.asarray(Image.open(tmp_path / name))
    a = out('a.png', '--sampler', 'euler', '--steps', 2, '--seed', 1)
    np.testing.assert_array_equal(a, out('b.png', '--sampler', 'euler', '--steps', 2, '--seed', 1))
    assert not np.array_equal(a, out('c.png', '--sampler', 'euler', '--steps', 2, '--seed', 2))
    assert out('d.png', '--sampler', 'heun', '--steps', 2, '--samples', 2, '--tile', 16).shape == (92, 148, 3)
    refused(capsys, 'not a multiple of patch_size', tmp_path / 'in.png', tmp_path / 'e.png', '--ckpt', run, '--tile', 3)

def test_uncertainty_map(capsys, run, tmp_path):
    "--uncertainty MAP: OUT is the mean of K samples and MAP the 16-bit std of their Y, value / 256 grey levels."
    from jitsr.run import load_run
    from jitsr.uncertainty import mean_and_std, posterior_samples
    Image.fromarray(RGB).save(tmp_path / 'in.png')
    ck = ('--ckpt', run, '--device', 'cpu', '--sampler', 'euler', '--steps', 2)
    code, out, err = upscale(capsys, tmp_path / 'in.png', tmp_path / 'mean.png', *ck, '--samples', 3, '--uncertainty', tmp_path / 'map.png', '--json')
    assert code == 0, err
    rec = json.loads(out.strip().splitlines()[-1])
    net, cfg = load_run(run)
    mean, std = mean_and_std(posterior_samples(net, cfg, RGB, 'euler:2', 3))
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / 'mean.png')), mean)
    with Image.open(tmp_path / 'map.png') as im:
        assert im.mode.startswith('I') and im.size == (148, 92) and json.loads(im.text['jitsr'])['uncertainty'] == rec['uncertainty']
        np.testing.assert_allclose(np.asarray(im, np.float64) / 256, std, atol=1 / 512 + 1e-9)
    assert std.max() > 0 and '/ 256' in rec['uncertainty']['scale']
    m = ('--uncertainty', tmp_path / 'm2.png')
    refused(capsys, 'needs --samples K with K >= 2', tmp_path / 'in.png', tmp_path / 'o.png', *ck, *m)
    refused(capsys, 'needs --sampler euler or heun', tmp_path / 'in.png', tmp_path / 'o.png', '--ckpt', run, '--samples', 2, *m)
    refused(capsys, 'is the output image', tmp_path / 'in.png', tmp_path / 'o.png', *ck, '--samples', 2, '--uncertainty', tmp_path / 'o.png')
    refused(capsys, 'must end in .png', tmp_path / 'in.png', tmp_path / 'o.png', *ck, '--samples', 2, '--uncertainty', tmp_path / 'm.tif')
    refused(capsys, 'exists; pass --force', tmp_path / 'in.png', tmp_path / 'o.png', *ck, '--samples', 2, '--uncertainty', tmp_path / 'map.png')
    assert not (tmp_path / 'o.png').exists() and not (tmp_path / 'm2.png').exists()

def test_degradation(capsys, run, tmp_path):
    "--degradation bicubic|realesrgan: IN is an HR image, cropped to a multiple of the scale and degraded first; --save-lr writes that LR."
    from jitsr.data import eval_pairs
    src = tmp_path / 'in.png'
    Image.fromarray(RGB).save(src)                                                        # 37x23: cropped to 36x20
    ck = ('--ckpt', run, '--device', 'cpu')
    def out(name, *opts):
        code, o, err = upscale(capsys, src, tmp_path / name, *ck, *opts, '--json')
        assert code == 0, err
        return np.asarray(Image.open(tmp_path / name)), json.loads(o.strip().splitlines()[-1])
    a, rec = out('a.png', '--degradation', 'realesrgan', '--seed', 3, '--save-lr', tmp_path / 'lr.png')
    assert a.shape == (20, 36, 3) and (rec['width'], rec['height'], rec['degradation_seed'], rec['lr']) == (36, 20, 3, str(tmp_path / 'lr.png'))
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / 'lr.png')), next(eval_pairs({'in': RGB}, 4, 'realesrgan', 3))[2])
    np.testing.assert_array_equal(a, out('b.png', '--degradation', 'realesrgan', '--seed', 3)[0])   # same seed, same output
    assert not np.array_equal(np.asarray(Image.open(tmp_path / 'lr.png')), next(eval_pairs({'in': RGB}, 4, 'realesrgan', 4))[2])
    b, rec = out('c.png', '--degradation', 'bicubic')
    assert b.shape == (20, 36, 3) and rec['degradation'] == 'bicubic' and 'degradation_seed' not in rec
    refused(capsys, "--degradation 'jpeg' is not known; choose one of: bicubic, realesrgan, none", src, tmp_path / 'd.png', *ck, '--degradation', 'jpeg')
    refused(capsys, '--save-lr needs --degradation bicubic or realesrgan', src, tmp_path / 'd.png', *ck, '--save-lr', tmp_path / 'e.png')
    refused(capsys, f"--save-lr {tmp_path / 'd.png'} is the output image", src, tmp_path / 'd.png', *ck, '--degradation', 'bicubic',
            '--save-lr', tmp_path / 'd.png')
    refused(capsys, 'exists; pass --force', src, tmp_path / 'd.png', *ck, '--degradation', 'bicubic', '--save-lr', tmp_path / 'lr.png')
    Image.fromarray(RGB[:3]).save(tmp_path / 'thin.png')
    refused(capsys, 'thin.png: 37x3 is smaller than the scale 4', tmp_path / 'thin.png', tmp_path / 'd.png', *ck, '--degradation', 'realesrgan')
    assert not (tmp_path / 'd.png').exists() and not (tmp_path / 'e.png').exists()
    r = jitsr('upscale', src, tmp_path / 'f.png', '--ckpt', run, '--degradation', 'lanczos', check=False)   # the installed command
    assert r.returncode == 2 and r.stderr.strip().splitlines() == ["jitsr upscale: error: --degradation 'lanczos' is not known; "
                                                                   "choose one of: bicubic, realesrgan, none"], r.stderr

def test_output_rules(capsys, run, tmp_path):
    src = tmp_path / 'in.png'
    Image.fromarray(RGB).save(src)
    before = src.read_bytes()
    ck = ('--ckpt', run, '--device', 'cpu')
    refused(capsys, 'is the input image; pass --force', src, src, *ck)
    refused(capsys, 'is the input image; pass --force', src, tmp_path, *ck)            # a folder: IN's name .png
    assert src.read_bytes() == before
    (tmp_path / 'old.png').write_bytes(b'keep')
    refused(capsys, 'exists; pass --force', src, tmp_path / 'old.png', *ck)
    assert (tmp_path / 'old.png').read_bytes() == b'keep'
    refused(capsys, 'must end in .png', src, tmp_path / 'out.jpg', *ck)
    refused(capsys, 'does not exist', src, tmp_path / 'no' / 'out.png', *ck)
    refused(capsys, 'is not a folder', src, src / 'out.png', *ck)
    refused(capsys, 'cannot write', src, '/sys/jitsr-out.png', *ck)                      # not writable, even by root
    (tmp_path / 'sub').mkdir()
    assert upscale(capsys, src, tmp_path / 'sub', *ck)[0] == 0 and (tmp_path / 'sub' / 'in.png').is_file()
    assert upscale(capsys, src, tmp_path / 'old.png', *ck, '--force')[0] == 0
    assert upscale(capsys, src, src, *ck, '--force')[0] == 0
    with Image.open(src) as im: assert im.size == (148, 92)                               # overwritten, as asked
    assert sorted(p.name for p in tmp_path.iterdir()) == ['in.png', 'old.png', 'sub']     # no temporary files left

class Payload:
    "Unpickling this would create a file: the proof that a loader ran code from the checkpoint."
    def __init__(self, marker): self.marker = marker
    def __reduce__(self): return (Path.touch, (Path(self.marker),))

def test_checkpoint_errors(capsys, run, tmp_path):
    from safetensors.torch import load_file, safe_open, save_file
    src = tmp_path / 'in.png'
    Image.fromarray(RGB).save(src)
    def bad(message, run_dir):
        refused(capsys, message, src, tmp_path / 'out.png', '--ckpt', run_dir, '--device', 'cpu')
        assert not (tmp_path / 'out.png').exists()
    bad('does not exist', tmp_path / 'no-run')
    (tmp_path / 'empty-run').mkdir()
    bad('no checkpoint at', tmp_path / 'empty-run')
    def run_with(name, content: bytes):
        d = tmp_path / name
        d.mkdir()
        (d / 'checkpoint.safetensors').write_bytes(content)
        return d
    ckpt = (run / 'checkpoint.safetensors').read_bytes()
    bad('is not a readable jitsr checkpoint', run_with('garbage', b'\x00' * 100))
    bad('is not a readable jitsr checkpoint', run_with('truncated', ckpt[:len(ckpt) // 2]))
    bad('is not a readable jitsr checkpoint', run_with('zero', b''))
    marker = tmp_path / 'code-ran'
    bad('is not a readable jitsr checkpoint', run_with('pickle', pickle.dumps({'model': Payload(marker)})))
    assert not marker.exists()
    tensors = load_file(run / 'checkpoint.safetensors')
    with safe_open(run / 'checkpoint.safetensors', 'pt') as f: meta = f.metadata()
    save_file(tensors, tmp_path / 'plain.safetensors')
    bad('not a jitsr checkpoint (no config)', run_with('no-config', (tmp_path / 'plain.safetensors').read_bytes()))
    other = tiny_run(tmp_path, 'two-blocks', flags={**TINY['flags'], 'depth': 2})
    save_file(load_file(other / 'checkpoint.safetensors'), tmp_path / 'mixed.safetensors', metadata=meta)
    bad('does not fit this model configuration', run_with('mixed', (tmp_path / 'mixed.safetensors').read_bytes()))
    cfg = json.loads(meta['config'])
    save_file(tensors, tmp_path / 'unknown.safetensors', metadata={**meta, 'config': json.dumps({**cfg, 'model': 'JiT-Q/9'})})
    bad("model='JiT-Q/9' is not allowed", run_with('unknown', (tmp_path / 'unknown.safetensors').read_bytes()))

def test_no_loader_can_run_code():
    "Checkpoints are safetensors; a `torch.load` anywhere in jitsr must say weights_only=True, and nothing unpickles."
    for f in (ROOT / 'jitsr').glob('*.py'):
        src = f.read_text()
        assert not re.search(r'pickle\.loads?\(|torch\.load\((?![^)]*weights_only=True)', src), f

def test_console_script(run, tmp_path):
    "The installed `jitsr` command end to end: a picture in, a PNG out; a bad picture, one line and status 2."
    Image.fromarray(RGB).save(tmp_path / 'in.png')
    rec = last_json(jitsr('upscale', tmp_path / 'in.png', tmp_path / 'out.png', '--ckpt', run, '--json'))
    assert Image.open(tmp_path / 'out.png').size == (148, 92) and rec['output'] == str(tmp_path / 'out.png')
    (tmp_path / 'bad.png').write_bytes((tmp_path / 'in.png').read_bytes()[:200])
    r = jitsr('upscale', tmp_path / 'bad.png', tmp_path / 'bad-x4.png', '--ckpt', run, check=False)
    assert r.returncode == 2 and 'truncated' in r.stderr and 'Traceback' not in r.stderr, r.stderr
    r = jitsr('upscale', tmp_path / 'in.png', tmp_path / 'x.png', check=False)
    assert r.returncode == 2 and '--ckpt' in r.stderr and 'Traceback' not in r.stderr
