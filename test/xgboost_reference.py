"""Python XGBoost on the same matrix and parameters as test/gbdt.test.ts (JSON on stdin → predictions on stdout)."""
import json
import sys

import numpy as np
import xgboost as xgb

d = json.load(sys.stdin)
X = np.array(d['X'], dtype=np.float32).reshape(d['rows'], d['cols'])
m = xgb.DMatrix(X, label=np.array(d['y'], dtype=np.float32))
b = xgb.train({k: v for k, v in d['params'].items()}, m, num_boost_round=d['rounds'])
json.dump({'pred': b.predict(m).tolist(), 'version': xgb.__version__}, sys.stdout)
