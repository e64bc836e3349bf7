"""Python XGBoost on the same matrices and parameters as the TypeScript tests (JSON on stdin → predictions on stdout).

Optional keys: `feature_types` (e.g. ['c', 'q']: categorical columns, with enable_categorical), `valid` and
`early_stopping_rounds` (boosting stops on the validation log-loss; predictions use the best iteration's trees),
`test` (a matrix to predict instead of the training one). Matrices: {X: row-major list, null = missing, rows}.
"""
import json
import sys

import numpy as np
import xgboost as xgb

d = json.load(sys.stdin)
cols = d['cols']
types = d.get('feature_types')


def matrix(m, labels=None):
    X = np.array([np.nan if v is None else v for v in m['X']], dtype=np.float32).reshape(m['rows'], cols)
    y = None if labels is None else np.array(labels, dtype=np.float32)
    if types:
        return xgb.DMatrix(X, label=y, feature_types=types, enable_categorical=True, missing=np.nan)
    return xgb.DMatrix(X, label=y, missing=np.nan)


dtrain = matrix({'X': d['X'], 'rows': d['rows']}, d['y'])
params = dict(d['params'])
kwargs = {}
if 'valid' in d:
    dvalid = matrix(d['valid'], d['valid']['y'])
    kwargs = {'evals': [(dvalid, 'valid')], 'early_stopping_rounds': d['early_stopping_rounds'], 'verbose_eval': False}
b = xgb.train(params, dtrain, num_boost_round=d['rounds'], **kwargs)
target = matrix(d['test']) if 'test' in d else dtrain
if 'valid' in d:
    pred = b.predict(target, iteration_range=(0, b.best_iteration + 1))
    best = b.best_iteration
else:
    pred = b.predict(target)
    best = None
json.dump({'pred': pred.tolist(), 'best_iteration': best, 'version': xgb.__version__}, sys.stdout)
