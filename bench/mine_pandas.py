"""Reference funnel with pandas: impressions, clicks, and clicked impressions with each
action and with a purchase, from a canonical buypath log. Prints one JSON line."""
import json
import resource
import sys
import time

import pandas as pd

t0 = time.time()
df = pd.read_csv(sys.argv[1], usecols=['impression_id', 'event'], dtype={'impression_id': 'string', 'event': 'category'})
flags = pd.crosstab(df['impression_id'], df['event']).clip(upper=1).astype(bool)
clicked = flags[flags['click']]
counts = {'impression': int(flags['impression'].sum()), 'click': int(len(clicked))}
for e in flags.columns:
    if e not in ('impression', 'click'):
        counts[e] = int(clicked[e].sum())
print(json.dumps({'engine': 'pandas ' + pd.__version__, 'seconds': time.time() - t0,
                  'max_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'counts': counts}))
