"The committed reports: every relative link and image of each report page points at a file in the repository."
import re
from pathlib import Path
from urllib.parse import unquote
from conftest import ROOT

def test_report_links_resolve():
    pages = sorted((ROOT / 'reports').rglob('index.html'))
    assert pages, 'no report page under reports/'
    dead = []
    for page in pages:
        html = page.read_text()
        for ref in re.findall(r'(?:href|src)="([^"]+)"', html):
            if re.match(r'^(?:[a-z]+:|#|data:)', ref): continue          # absolute URLs, anchors, inline images
            if not (page.parent / unquote(ref.split('#')[0])).exists(): dead.append(f"{page.relative_to(ROOT)} -> {ref}")
    assert not dead, f"{len(dead)} dead links, e.g. {dead[:5]}"
