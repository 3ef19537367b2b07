#!/usr/bin/env bash
# Retake docs/explorer.png: run nbs/explore.ipynb on a shipped model, render its widgets (their saved state)
# in a static page and photograph it with headless Chromium. Needs what the study does not:
#   apt-get install chromium; npm install --prefix "$WIDGETS" @jupyter-widgets/html-manager@1 requirejs
# Usage: WIDGETS=/tmp/widgets bash docs/explorer.sh [RUN_DIR, relative to nbs/]
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${1:-../reports/full/weights/jit-stream-s0}
: "${WIDGETS:?set WIDGETS to the npm prefix holding @jupyter-widgets/html-manager and requirejs}"
TMP=$(mktemp -d)
.venv/bin/papermill nbs/explore.ipynb "$TMP/explore.ipynb" -p run_dir "$RUN" --cwd nbs
.venv/bin/python - "$TMP" "$WIDGETS" <<'PY'
import sys, nbformat
from nbconvert import HTMLExporter
tmp, widgets = sys.argv[1], sys.argv[2]
e = HTMLExporter(template_name='lab', exclude_input=True, exclude_markdown=True, exclude_input_prompt=True, exclude_output_prompt=True)
e.widget_renderer_url = f'file://{widgets}/node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js'
e.require_js_url = f'file://{widgets}/node_modules/requirejs/require.js'
open(f'{tmp}/explore.html', 'w').write(e.from_notebook_node(nbformat.read(f'{tmp}/explore.ipynb', as_version=4))[0])
PY
chromium --headless=new --no-sandbox --disable-gpu --allow-file-access-from-files --hide-scrollbars --window-size=1400,900 \
    --virtual-time-budget=15000 --screenshot="$TMP/shot.png" "file://$TMP/explore.html"
.venv/bin/python - "$TMP/shot.png" docs/explorer.png <<'PY'
import sys
import numpy as np
from PIL import Image
a = np.asarray(Image.open(sys.argv[1]).convert('RGB'))
ys, xs = np.nonzero((a < 245).any(-1))                        # the page's content, without the white margins
Image.fromarray(a[max(ys.min() - 12, 0):ys.max() + 12, max(xs.min() - 12, 0):xs.max() + 12]).save(sys.argv[2], optimize=True)
PY
rm -rf "$TMP"
echo "wrote docs/explorer.png"
