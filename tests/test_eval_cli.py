"The evaluation protocol against the published bicubic numbers, and the CLI's behaviour on bad input."
import pytest
from PIL import Image
from conftest import ROOT, shared_set, jitsr, last_json

# ../shared/data/README.md: RGB resize, Y metrics (bridge.png scored as gray)
@pytest.mark.parametrize('name, psnr_y, ssim_y', [('Set5', 28.429, 0.8111), ('Set14', 25.994, 0.7029)])
def test_bicubic_matches_reference(name, psnr_y, ssim_y):
    res = last_json(jitsr('eval', '--method', 'bicubic', '--data', shared_set(name), '--scale', 4, '--json'))
    assert abs(res['psnr_y'] - psnr_y) < 0.02 and abs(res['ssim_y'] - ssim_y) < 0.002, res
    assert {'n', 'psnr_y', 'ssim_y', 'psnr_rgb', 'ssim_rgb', 'per_image'} <= set(res)
    assert res['n'] == len(res['per_image']) == {'Set5': 5, 'Set14': 14}[name]

def test_published_bicubic_row():
    "Published: Set5 28.42/.8104, Set14 26.00/.7027 (older Y-only resize recipe; SSIM differs slightly)."
    res = last_json(jitsr('eval', '--data', shared_set('Set5'), '--json'))
    assert abs(res['psnr_y'] - 28.42) < 0.02 and abs(res['ssim_y'] - 0.8104) < 0.002

def test_pred_dir_scores_other_methods(tmp_path):
    from jitsr.data import eval_pairs, load_folder, imresize
    hr = shared_set('Set5')
    for name, h, lr in eval_pairs(load_folder(hr), 4): Image.fromarray(imresize(lr, 4)).save(tmp_path / name)
    a = last_json(jitsr('eval', '--pred', tmp_path, '--data', hr, '--json'))
    b = last_json(jitsr('eval', '--data', hr, '--json'))
    assert abs(a['psnr_y'] - b['psnr_y']) < 1e-9

@pytest.mark.parametrize('args, message', [
    (['--data', '/no/such/dir'], 'does not exist'),
    (['--scale', '0'], 'positive integer'),
    (['--scale', 'four'], 'positive integer'),
    (['--method', 'nearest'], '--ckpt RUN_DIR'),
    (['--method', 'edsr'], 'score a trained run with --ckpt RUN_DIR'),
    (['--pred', '/no/such/dir'], '--pred /no/such/dir: no such folder'),
    (['--ckpt', ROOT / 'README.md'], 'README.md is a file: give --model'),
    (['--degradation', 'jpeg'], "choose from 'bicubic', 'realesrgan'"),
])
def test_bad_arguments_give_clear_errors(args, message):
    r = jitsr('eval', *args, check=False)
    assert r.returncode == 2 and message in r.stderr and 'Traceback' not in r.stderr

def test_folder_of_junk(tmp_path):
    (tmp_path / 'a.png').write_text('not an image')
    r = jitsr('eval', '--data', tmp_path, check=False)
    assert r.returncode == 2 and 'could be read' in r.stderr and 'a.png' in r.stderr and 'Traceback' not in r.stderr

def test_embedded_default():
    res = last_json(jitsr('eval', '--json'))
    assert res['n'] == 2 and res['data'] == 'embedded'

def _official_file(path, model='swinir-light'):
    "A file laid out as the authors' release of `model` (official key names and shapes, random weights)."
    import torch
    from jitsr.baselines import relative_position_index
    from jitsr.official import OFFICIAL
    keys = OFFICIAL[model][0](4, **OFFICIAL[model][2])
    g = torch.Generator().manual_seed(0)
    sd = {k: torch.randn([s or 64 for s in shape], generator=g) * 0.02 for k, shape in keys.items() if not k.endswith('attn_mask')}
    sd = {k: v.abs() + 0.5 if k.endswith('running_var') else v for k, v in sd.items()}
    sd |= {k: relative_position_index(8) for k in sd if k.endswith('relative_position_index')}
    torch.save({'params': sd}, path)
    return path

def test_official_weights_file(tmp_path):
    "`eval --ckpt FILE.pth --model` scores the authors' released weights; the record says which."
    import torch
    from jitsr.data import load_images
    from jitsr.evaluate import evaluate
    from jitsr.infer import make_upscaler
    from jitsr.official import load_official
    f = _official_file(tmp_path / 'swinir.pth')
    res = last_json(jitsr('eval', '--ckpt', f, '--model', 'swinir-light', '--json'))
    assert res['method'] == f'official:{f}' and res['model'] == 'swinir-light' and res['n'] == 2
    net, cfg = load_official(f, 'swinir-light')
    want = evaluate(load_images('embedded', split='holdout', rgb=False), 4, make_upscaler(net, cfg, torch.device('cpu')))
    assert abs(res['psnr_y'] - want['psnr_y']) < 1e-9

@pytest.mark.parametrize('args, message', [
    (['--model', 'swinir-light'], '--model needs --ckpt FILE'),
    (['--ckpt', 'pyproject.toml'], 'is a file: give --model (edsr-baseline, edsr, swinir-light, swinir, srresnet)'),
    (['--ckpt', 'pyproject.toml', '--model', 'srresnet'], 'could not be read as a torch'),
    (['--ckpt', 'no-such.pth', '--model', 'srresnet'], 'no such weights file'),
    (['--ckpt', 'reports/full/weights/edsr-baseline-s0', '--model', 'edsr-baseline'], 'knows its model'),
])
def test_official_weights_errors(args, message):
    r = jitsr('eval', *args, check=False)
    assert r.returncode == 2 and message in r.stderr and 'Traceback' not in r.stderr, r.stderr

def test_official_weights_of_another_model(tmp_path):
    f = _official_file(tmp_path / 'edsr.pth', 'edsr-baseline')
    r = jitsr('eval', '--ckpt', f, '--model', 'swinir-light', check=False)
    assert r.returncode == 2 and 'is not an official swinir-light x4 state dict' in r.stderr and 'conv_first.weight' in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

def test_shipped_checkpoint_gives_committed_result():
    "The shipped EDSR-baseline run still loads and scores what reports/full/results records for it."
    import csv
    run = 'reports/full/weights/edsr-baseline-s0'
    row = next(r for r in csv.DictReader(open(ROOT / 'reports/full/results/mean-a.csv'))
               if r['run'] == 'runs/full/edsr-baseline-s0' and r['dataset'] == 'holdout')
    res = last_json(jitsr('eval', '--ckpt', ROOT / run, '--json'))
    assert abs(res['psnr_y'] - float(row['psnr_y'])) < 1e-6 and abs(res['ssim_y'] - float(row['ssim_y'])) < 1e-6

def test_realesrgan_degradation_is_fixed_and_harder():
    "The Real-ESRGAN LR of Set5 is the same on every call and bicubic upscaling of it scores below the bicubic protocol."
    a = last_json(jitsr('eval', '--data', shared_set('Set5'), '--degradation', 'realesrgan', '--json'))
    b = last_json(jitsr('eval', '--data', shared_set('Set5'), '--degradation', 'realesrgan', '--json'))
    assert a['per_image'] == b['per_image'] and a['degradation'] == 'realesrgan' and a['n'] == 5
    assert a['psnr_y'] < 28.0
