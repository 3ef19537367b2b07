"""Build the documentation site offline: `python docs/build.py [OUT]` (`make docs`; OUT defaults to _docs/).

Every notebook of nbs/ becomes an HTML page with a contents bar; `nbs/index.ipynb` is the home page (it reads
the committed figures and tables of reports/). The notebooks are kept without outputs, so the home page and the
chapters that draw are executed here as `nbdev-test` runs them (IN_TEST set, cells flagged as in `tst_flags`
skipped), which shows their figures. nbdev's `#| hide` cells are left out and its directive lines dropped. The folders the pages link into (reports/ without the weights, docs/) are
copied beside the pages, so every relative link of the site resolves inside it.
Quarto (`nbdev-docs`) is not used: it cannot be installed offline (see README, "Documentation")."""
import os, re, shutil, sys
from pathlib import Path

import nbformat
from execnb.shell import CaptureShell
from fastcore.nbio import nb2str
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from nbdev.config import get_config
from nbdev.process import NBProcessor

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / 'nbs'
LINKED = ('reports', 'docs')                     # repository folders the notebooks link into, as ../NAME/...
DRAWS = re.compile(r'\bplt\.|\bdisplay\(|\bImage\(')    # a chapter with such a call is executed for its figures

def executed(path: Path):
    "The notebook at `path` run as `nbdev-test` runs it, with its outputs."
    nb = NBProcessor(path, rm_directives=False, process=True).nb
    flags = set(get_config().tst_flags.split())
    def skip(c): return c.cell_type != 'code' or bool(flags & c.directives_.keys()) or c.directives_.get('eval') == ['false']
    os.environ['IN_TEST'], cwd = '1', os.getcwd()
    try: os.chdir(path.parent); CaptureShell(path, mpl_format='png').run_all(nb, exc_stop=True, preproc=skip)
    finally: os.chdir(cwd); del os.environ['IN_TEST']
    for c in nb.cells: c.metadata.pop('execution', None)                     # execnb's timings, not nbformat's schema
    return nbformat.reads(nb2str(nb), as_version=4)

def title_of(nb) -> str:
    first = next((c.source for c in nb.cells if c.cell_type == 'markdown'), '')
    m = re.match(r'#\s+(.+)', first)
    return m.group(1).strip() if m else ''

def for_reading(nb):
    "`nb` without its `#| hide` cells, the code of its `#| echo: false` cells and nbdev's `#|` directive lines."
    def hidden(c): return c.cell_type == 'code' and re.search(r'^#\|\s*hide\s*$', c.source, re.M)
    nb.cells = [c for c in nb.cells if not hidden(c)]
    for c in nb.cells:
        if c.cell_type != 'code': continue
        if re.search(r'^#\|\s*echo:\s*false\s*$', c.source, re.M): c.metadata.setdefault('tags', []).append('remove_input')
        c.source = re.sub(r'^#\|.*\n?', '', c.source, flags=re.M)
    return nb

def local(html: str) -> str:
    "Point links at the site's pages and copies: X.ipynb -> X.html, ../reports/... -> reports/..."
    html = re.sub(r'((?:href|src)="(?![a-z]+:|#)[^"]*?)\.ipynb(["#])', r'\1.html\2', html)
    return re.sub(r'((?:href|src)=")\.\./(' + '|'.join(LINKED) + r')/', r'\1\2/', html)

def build(out: Path) -> Path:
    out = Path(out); shutil.rmtree(out, ignore_errors=True); out.mkdir(parents=True)
    paths = [NBS / 'index.ipynb'] + sorted(p for p in NBS.glob('*.ipynb') if p.name != 'index.ipynb')
    run = [p for p in paths if p.stem == 'index' or (p.stem[0].isdigit() and DRAWS.search(p.read_text()))]
    nbs = {p: executed(p) if p in run else nbformat.read(p, as_version=4) for p in paths}
    nav = '<nav class="jitsr-nav">' + ' &middot; '.join(
        f'<a href="{p.stem}.html">{"home" if p.stem == "index" else p.stem}</a>' for p in paths) + '</nav>'
    style = '<style>.jitsr-nav{font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ccc;line-height:1.8}</style>'
    exporter = HTMLExporter(template_name='lab')
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    for p, nb in nbs.items():
        html, _ = exporter.from_notebook_node(for_reading(nb), resources={'metadata': {'name': title_of(nb) or p.stem}})
        html = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + style + nav, local(html), count=1)
        (out / f'{p.stem}.html').write_text(html)
    for name in LINKED:
        shutil.copytree(ROOT / name, out / name, ignore=shutil.ignore_patterns('*.safetensors', '__pycache__', '*.py'))
    return out

if __name__ == '__main__':
    print(f"documentation site: {build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / '_docs') / 'index.html'}")
