"""peer_common.py -- what the Python peers of the benchmark share.

Both peers read a numeric CSV file the same way, scale its columns the
way mlptrain does, and write and report their predicted labels alike, so
that their timings differ only in the tool being measured.
"""
import time

import numpy as np


def read_csv(path):
    """Read a CSV file with a header row into float32 rows."""
    return np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32,
                      ndmin=2)


def standardize(x, mean=None, scale=None):
    """Scale columns to mean 0 and spread 1; returns x, mean, scale."""
    if mean is None:
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1
    return (x - mean) / scale, mean, scale


def timed_predict(rows_path, mean, scale, labels_of):
    """Read and scale the rows, label them with labels_of(rows) and write
    one label a line to /dev/null, printing the time of each part."""
    t0 = time.perf_counter()
    rows, _, _ = standardize(read_csv(rows_path), mean, scale)
    t1 = time.perf_counter()
    labels = labels_of(rows)
    t2 = time.perf_counter()
    with open("/dev/null", "w") as out:
        out.write("\n".join(str(int(v)) for v in labels))
        out.write("\n")
    t3 = time.perf_counter()

    print("load_s=%.4f" % (t1 - t0))
    print("predict_s=%.4f" % (t2 - t1))
    print("write_s=%.4f" % (t3 - t2))
    print("total_s=%.4f" % (t3 - t0))
    print("rows=%d" % len(labels))
