"""Execute one notebook headless with nbclient, injecting parameters after the
cell tagged `parameters` (papermill's convention), and optionally export HTML.

Used by buypath's notebook runner (src/notebook/execute.ts); not a runtime
dependency of the library. Exit code 0 when every cell ran, 1 on a cell error
(the partly executed notebook is still written), 2 on bad arguments.
"""
import argparse
import json
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def inject(nb, params):
    if not params:
        return
    idx = next((i for i, c in enumerate(nb.cells) if 'parameters' in c.get('metadata', {}).get('tags', [])), None)
    if idx is None:
        print('notebook: expected a cell tagged "parameters", got none. Tag the cell that holds the defaults.', file=sys.stderr)
        sys.exit(2)
    src = '// Injected parameters\n' + '\n'.join(f'{k} = {json.dumps(v)};' for k, v in params.items())
    cell = nbformat.v4.new_code_cell(src, metadata={'tags': ['injected-parameters']})
    nb.cells.insert(idx + 1, cell)


CDN = re.compile(r'<script[^>]+src="https?://[^"]+"[^>]*>\s*</script>|<link[^>]+href="https?://[^"]+"[^>]*>', re.I)


def export_html(nb, path):
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name='lab')
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    # Self-contained and offline: drop CDN scripts and stylesheets (require.js, MathJax).
    body = CDN.sub('', body)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--input', required=True)
    ap.add_argument('--output', required=True)
    ap.add_argument('--cwd', required=True)
    ap.add_argument('--params', default='{}')
    ap.add_argument('--html')
    ap.add_argument('--timeout', type=int, default=1200)
    ap.add_argument('--kernel', default='tslab')
    a = ap.parse_args()
    nb = nbformat.read(a.input, as_version=4)
    inject(nb, json.loads(a.params))
    client = NotebookClient(nb, timeout=a.timeout, kernel_name=a.kernel, resources={'metadata': {'path': a.cwd}})
    code = 0
    try:
        client.execute()
    except CellExecutionError as e:
        print(str(e)[:4000], file=sys.stderr)
        code = 1
    nbformat.write(nb, a.output)
    if a.html:
        export_html(nb, a.html)
    sys.exit(code)


if __name__ == '__main__':
    main()
