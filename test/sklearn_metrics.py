"""Reference values from scikit-learn for test/metrics.test.ts (reads JSON on stdin, writes JSON)."""
import json
import sys

import numpy as np
from sklearn.metrics import f1_score, log_loss, precision_score, recall_score, roc_auc_score

d = json.load(sys.stdin)
y, s, p, users, w = (np.array(d[k]) for k in ('labels', 'scores', 'probs', 'users', 'weights'))
out = {
    'auc': roc_auc_score(y, s),
    'auc_weighted': roc_auc_score(y, s, sample_weight=w),
    'logloss': log_loss(y, p, labels=[0, 1]),
}
num = den = 0.0
for u in np.unique(users):
    m = users == u
    if len(np.unique(y[m])) < 2:
        continue
    num += m.sum() * roc_auc_score(y[m], s[m])
    den += m.sum()
out['gauc'] = num / den
for k in d['ks']:
    order = np.argsort(-s, kind='stable')
    pred = np.zeros_like(y)
    pred[order[: int(np.ceil(k * len(y)))]] = 1
    out[f'top{k}'] = {'precision': precision_score(y, pred, zero_division=0), 'recall': recall_score(y, pred), 'f1': f1_score(y, pred)}
json.dump(out, sys.stdout)
