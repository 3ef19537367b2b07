"""The documentation site (`make docs`): built offline from nbs/, the home page shows the study's results, the chapters
their figures, no link is dead."""
import subprocess, sys
from conftest import ROOT, dead_links

def test_docs_site_builds(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / 'docs' / 'build.py'), str(tmp_path / 'site')], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    site = tmp_path / 'site'
    assert {p.stem for p in site.glob('*.html')} == {p.stem for p in (ROOT / 'nbs').glob('*.ipynb')}
    home = (site / 'index.html').read_text()
    assert home.count('src="data:image/png') >= 2 and 'def section(' not in home     # the learning curves and the plane, read from reports/; no plumbing
    assert all('src="data:image/png' in (site / f'{ch}.html').read_text() for ch in ('03_toy', '19_figures', '27_plane'))   # executed chapters
    assert '<table' in home and '| jit-stream | Set5 |' not in home and 'jit-stream' in home   # the seed table, rendered
    assert 'href="reports/full/index.html"' in home and 'href="07_baselines.html"' in home
    assert 'nbdev-test runs a few steps' not in (site / 'train.html').read_text()     # `#| hide` cells are left out
    dead = dead_links(sorted(site.rglob('*.html')), site)
    assert not dead, f"{len(dead)} dead links, e.g. {dead[:5]}"
