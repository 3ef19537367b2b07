"The committed reports: every relative link and image of each report page points at a file in the repository."
from conftest import ROOT, dead_links

def test_report_links_resolve():
    pages = sorted((ROOT / 'reports').rglob('index.html'))
    assert pages, 'no report page under reports/'
    dead = dead_links(pages, ROOT)
    assert not dead, f"{len(dead)} dead links, e.g. {dead[:5]}"
