"""Reference learner for `npm run bench -- models`: scikit-learn's logistic regression on the same
clicked rows and features as the neural models (categorical columns one-hot, numeric columns as
the encoder transforms them, then standardised), its regularisation chosen on the validation rows.
Prints one JSON line: {"cvr_auc": test AUC, "C": chosen, "val_auc": ...}.
Usage: python3 bench/lr_reference.py DIR   (DIR holds lr-train.csv, lr-validation.csv, lr-test.csv)"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder

d = sys.argv[1]
parts = {k: pd.read_csv(f'{d}/lr-{k}.csv', keep_default_na=False, na_values=['']) for k in ['train', 'validation', 'test']}
cats = [c for c in parts['train'].columns if c.startswith('cat:')]
nums = [c for c in parts['train'].columns if c.startswith('num:')]
oh = OneHotEncoder(handle_unknown='ignore').fit(parts['train'][cats].astype(str))
mu = parts['train'][nums].mean()
sd = parts['train'][nums].std().replace(0, 1)


def design(df):
    num = ((df[nums].fillna(mu) - mu) / sd).to_numpy()
    return sparse.hstack([oh.transform(df[cats].astype(str)), sparse.csr_matrix(num)]).tocsr()


X = {k: design(v) for k, v in parts.items()}
y = {k: v['buy'].to_numpy() for k, v in parts.items()}
best = None
for C in [0.01, 0.03, 0.1, 0.3, 1.0]:
    m = LogisticRegression(C=C, max_iter=5000).fit(X['train'], y['train'])
    v = roc_auc_score(y['validation'], m.predict_proba(X['validation'])[:, 1])
    if best is None or v > best[0]:
        best = (v, C, m)
val_auc, C, m = best
print(json.dumps({'cvr_auc': roc_auc_score(y['test'], m.predict_proba(X['test'])[:, 1]), 'C': C, 'val_auc': val_auc}))
