"""Write a notebook from a compact text spec (cells separated by lines '# %% [markdown]',
'# %%' or '# %% parameters'). Keeps notebooks reviewable as text; outputs are never committed.
Usage: python3 scripts/make_notebook.py notebooks/src/00-quickstart.ts notebooks/00-quickstart.ipynb"""
import json
import re
import sys


def cells_from(text):
    cells, kind, tags, buf = [], None, [], []

    def flush():
        if kind is None:
            return
        src = '\n'.join(buf).strip('\n')
        if kind == 'markdown':
            src = re.sub(r'^// ?', '', src, flags=re.M)
            cells.append({'cell_type': 'markdown', 'metadata': {}, 'source': src.splitlines(True)})
        else:
            cells.append({'cell_type': 'code', 'execution_count': None, 'metadata': {'tags': tags} if tags else {},
                          'outputs': [], 'source': src.splitlines(True)})

    for line in text.splitlines():
        m = re.match(r'^// %%\s*(\[markdown\]|parameters)?\s*$', line)
        if m:
            flush()
            kind = 'markdown' if m.group(1) == '[markdown]' else 'code'
            tags = ['parameters'] if m.group(1) == 'parameters' else []
            buf = []
        else:
            buf.append(line)
    flush()
    return cells


def main(src, dst):
    nb = {'cells': cells_from(open(src, encoding='utf-8').read()),
          'metadata': {'kernelspec': {'display_name': 'TypeScript', 'language': 'typescript', 'name': 'tslab'},
                       'language_info': {'name': 'typescript', 'file_extension': '.ts', 'mimetype': 'text/typescript'}},
          'nbformat': 4, 'nbformat_minor': 5}
    for i, c in enumerate(nb['cells']):
        c['id'] = f'cell-{i:02d}'
    with open(dst, 'w', encoding='utf-8') as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
