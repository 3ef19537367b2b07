import os, subprocess, sys, json
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get('JITSR_SHARED_DATA', ROOT.parent / 'shared' / 'data'))

def shared_set(name):
    "Path of a set in ../shared/data (or $JITSR_SHARED_DATA), or skip the test saying why."
    p = SHARED / name
    if not p.is_dir(): pytest.skip(f"{p} is absent: set JITSR_SHARED_DATA to the folder holding Set5/Set14/T91/BSD200")
    return p

def jitsr(*args, check=True, timeout=600):
    "Run the `jitsr` console script of this environment; returns the CompletedProcess."
    exe = Path(sys.executable).parent / 'jitsr'
    r = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=timeout)
    if check and r.returncode: raise AssertionError(f"jitsr {' '.join(map(str, args))} exited {r.returncode}:\n{r.stderr[-3000:]}")
    return r

def last_json(r):
    return json.loads(r.stdout.strip().splitlines()[-1])

def dead_links(pages, root) -> list[str]:
    "'page -> target' for every relative href/src of the HTML `pages` whose file does not exist (tags only, not text)."
    import re
    from html.parser import HTMLParser
    from urllib.parse import unquote
    class Refs(HTMLParser):
        def __init__(self): super().__init__(); self.refs = []
        def handle_starttag(self, tag, attrs): self.refs += [v for k, v in attrs if k in ('href', 'src') and v]
    dead = []
    for page in pages:
        p = Refs(); p.feed(Path(page).read_text(errors='replace'))
        for ref in p.refs:
            if re.match(r'^(?:[a-z]+:|#|//)', ref): continue                     # absolute URLs, anchors, inline images
            if not (Path(page).parent / unquote(ref.split('#')[0].split('?')[0])).exists():
                dead.append(f"{Path(page).relative_to(root)} -> {ref}")
    return dead
