"""Check, or record, the checksums of the standard SR data sets kept outside this repository.

Nothing is downloaded (this study runs offline): get the sets from their publishers (table in
data/README.md), unpack them anywhere, then

    python data/prepare.py verify ROOT            # check ROOT/Set5/*.png ... against data/checksums.md5.tsv
    python data/prepare.py record ROOT/Urban100   # add the md5 of every image below a set you unpacked

and pass the set's folder to the study (`jitsr eval --data ROOT/Set5`, `-p data ROOT/T91`).
"""
import argparse, hashlib, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLE = HERE / 'checksums.md5.tsv'
EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff', '.JPEG')

def md5(p: Path) -> str:
    h = hashlib.md5()
    with open(p, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''): h.update(chunk)
    return h.hexdigest()

def read_table() -> dict:
    if not TABLE.exists(): return {}
    return dict(line.split('\t') for line in TABLE.read_text().split('\n') if line.strip())

def verify(root: Path) -> int:
    table, bad, seen = read_table(), 0, set()
    for key, want in sorted(table.items()):
        p = root / key
        if not p.parent.is_dir(): continue                  # a set the user does not have
        seen.add(key.split('/')[0])
        if not p.is_file(): print(f"missing   {key}"); bad += 1
        elif md5(p) != want: print(f"MISMATCH  {key}"); bad += 1
    if not seen: print(f"no known set found below {root} (known: {', '.join(sorted({k.split('/')[0] for k in table}))})"); return 2
    print(f"{', '.join(sorted(seen))}: {'all files match' if not bad else f'{bad} problems'}")
    return 1 if bad else 0

def record(folder: Path) -> int:
    files = sorted(p for p in folder.rglob('*') if p.suffix in EXTS)
    if not files: print(f"no images below {folder}"); return 2
    table = read_table()
    table |= {f"{folder.name}/{p.relative_to(folder).as_posix()}": md5(p) for p in files}
    TABLE.write_text(''.join(f"{k}\t{v}\n" for k, v in sorted(table.items())))
    print(f"recorded {len(files)} files of {folder.name} in {TABLE}")
    return 0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('action', choices=('verify', 'record'))
    ap.add_argument('path', type=Path)
    a = ap.parse_args()
    if not a.path.is_dir(): sys.exit(f"prepare.py: {a.path} is not a folder")
    sys.exit(verify(a.path) if a.action == 'verify' else record(a.path))
