"""Build the documentation site offline: `python docs/build.py [OUT]` (`make docs`; OUT defaults to _docs/).

Every notebook of nbs/ becomes an HTML page with a contents bar; `nbs/index.ipynb` is the home page and the
only one executed (it reads the committed figures and tables of reports/). nbdev's `#| hide` cells are left
out and its directive lines dropped. The folders the pages link into (reports/ without the weights, docs/) are
copied beside the pages, so every relative link of the site resolves inside it.
Quarto (`nbdev-docs`) is not used: it cannot be installed offline (see README, "Documentation")."""
import re, shutil, sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / 'nbs'
LINKED = ('reports', 'docs')                     # repository folders the notebooks link into, as ../NAME/...

def title_of(nb) -> str:
    first = next((c.source for c in nb.cells if c.cell_type == 'markdown'), '')
    m = re.match(r'#\s+(.+)', first)
    return m.group(1).strip() if m else ''

def for_reading(nb):
    "`nb` without its `#| hide` cells and nbdev's `#|` directive lines."
    def hidden(c): return c.cell_type == 'code' and re.search(r'^#\|\s*hide\s*$', c.source, re.M)
    nb.cells = [c for c in nb.cells if not hidden(c)]
    for c in nb.cells:
        if c.cell_type == 'code': c.source = re.sub(r'^#\|.*\n?', '', c.source, flags=re.M)
    return nb

def local(html: str) -> str:
    "Point links at the site's pages and copies: X.ipynb -> X.html, ../reports/... -> reports/..."
    html = re.sub(r'((?:href|src)="(?![a-z]+:|#)[^"]*?)\.ipynb(["#])', r'\1.html\2', html)
    return re.sub(r'((?:href|src)=")\.\./(' + '|'.join(LINKED) + r')/', r'\1\2/', html)

def build(out: Path) -> Path:
    out = Path(out); shutil.rmtree(out, ignore_errors=True); out.mkdir(parents=True)
    paths = [NBS / 'index.ipynb'] + sorted(p for p in NBS.glob('*.ipynb') if p.name != 'index.ipynb')
    nbs = {p: nbformat.read(p, as_version=4) for p in paths}
    ExecutePreprocessor(timeout=300, kernel_name='python3').preprocess(nbs[paths[0]], {'metadata': {'path': str(NBS)}})
    nav = '<nav class="jitsr-nav">' + ' &middot; '.join(
        f'<a href="{p.stem}.html">{"home" if p.stem == "index" else p.stem}</a>' for p in paths) + '</nav>'
    style = '<style>.jitsr-nav{font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ccc;line-height:1.8}</style>'
    exporter = HTMLExporter(template_name='lab')
    for p, nb in nbs.items():
        html, _ = exporter.from_notebook_node(for_reading(nb), resources={'metadata': {'name': title_of(nb) or p.stem}})
        html = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + style + nav, local(html), count=1)
        (out / f'{p.stem}.html').write_text(html)
    for name in LINKED:
        shutil.copytree(ROOT / name, out / name, ignore=shutil.ignore_patterns('*.safetensors', '__pycache__', '*.py'))
    return out

if __name__ == '__main__':
    print(f"documentation site: {build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / '_docs') / 'index.html'}")
