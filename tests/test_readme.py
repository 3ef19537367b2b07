"The README shows the study's results as the study wrote them: its pictures exist, its table is a verbatim copy."
import re
from conftest import ROOT

def test_readme_pictures_exist():
    readme = (ROOT / 'README.md').read_text()
    pictures = re.findall(r'!\[[^\]]*\]\(([^)\s]+)\)', readme)
    assert 'reports/full/figures/learning.png' in pictures and 'docs/explorer.png' in pictures
    assert [p for p in pictures if not (ROOT / p).is_file()] == []

def test_readme_table_is_the_reports():
    readme = (ROOT / 'README.md').read_text()
    blocks = re.findall(r'<!-- table from (\S+) -->\n(.*?)\n<!-- end of table -->', readme, re.S)
    assert blocks, 'no generated table in README.md'
    for source, block in blocks:
        lines = set((ROOT / source).read_text().splitlines())
        rows = block.splitlines()
        assert len(rows) > 2 and [r for r in rows if r not in lines] == [], f"README rows not in {source}"
