"The evaluation protocol against the published bicubic numbers, and the CLI's behaviour on bad input."
import pytest
from PIL import Image
from conftest import shared_set, jitsr, last_json

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

def test_realesrgan_degradation_is_fixed_and_harder():
    "The Real-ESRGAN LR of Set5 is the same on every call and bicubic upscaling of it scores below the bicubic protocol."
    a = last_json(jitsr('eval', '--data', shared_set('Set5'), '--degradation', 'realesrgan', '--json'))
    b = last_json(jitsr('eval', '--data', shared_set('Set5'), '--degradation', 'realesrgan', '--json'))
    assert a['per_image'] == b['per_image'] and a['degradation'] == 'realesrgan' and a['n'] == 5
    assert a['psnr_y'] < 28.0
