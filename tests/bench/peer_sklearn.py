#!/usr/bin/python3
"""peer_sklearn.py -- the scikit-learn side of the benchmark.

Usage:
  peer_sklearn.py train FILE HIDDEN ACT BATCH EPOCHS RATE SEED
      Fit MLPClassifier with Adam for exactly EPOCHS passes (no early
      stop, no L2) on a CSV file with a header and the class label last.
  peer_sklearn.py predict TRAIN ROWS HIDDEN SEED
      Fit a network one epoch on TRAIN (not timed), then read the
      unlabelled CSV ROWS, predict every row and write one label a line
      to /dev/null, timed.
  peer_sklearn.py load FILE
      Time numpy.loadtxt, and pandas.read_csv when pandas is installed,
      on FILE.

Features are standardised to mean 0 and spread 1, as mlptrain does.
Prints key=value lines: load_s, train_s, acc (training accuracy of the
final weights), predict_s, rows, dtype; 'skip=why' when something needed
is missing.
"""
import sys
import time
import warnings

import numpy as np

try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
except ImportError as e:
    print("skip=scikit-learn not importable: %s" % e)
    sys.exit(0)

from peer_common import read_csv, standardize, timed_predict


def make_model(hidden, act, batch, epochs, rate, seed):
    """An MLPClassifier that runs every epoch asked for."""
    return MLPClassifier(
        hidden_layer_sizes=tuple(int(w) for w in hidden.split(",")),
        activation={"sigmoid": "logistic"}.get(act, act),
        solver="adam", batch_size=batch, max_iter=epochs,
        learning_rate_init=rate, alpha=0.0, tol=0.0,
        n_iter_no_change=10 ** 9, shuffle=True, random_state=seed)


def train(path, hidden, act, batch, epochs, rate, seed):
    """Time the load and the fit separately; report training accuracy."""
    t0 = time.perf_counter()
    data = read_csv(path)
    t1 = time.perf_counter()

    x, _, _ = standardize(data[:, :-1])
    y = data[:, -1].astype(np.int64)
    clf = make_model(hidden, act, int(batch), int(epochs), float(rate),
                     int(seed))
    clf.fit(x, y)
    t2 = time.perf_counter()

    print("load_s=%.4f" % (t1 - t0))
    print("train_s=%.4f" % (t2 - t1))
    print("acc=%.4f" % clf.score(x, y))
    print("dtype=%s" % clf.coefs_[0].dtype)


def predict(train_path, rows_path, hidden, seed):
    """Fit one quick epoch, then time read + predict + write."""
    data = read_csv(train_path)
    x, mean, scale = standardize(data[:, :-1])
    clf = make_model(hidden, "relu", 128, 1, 0.001, int(seed))
    clf.fit(x, data[:, -1].astype(np.int64))

    timed_predict(rows_path, mean, scale, clf.predict)


def load(path):
    """Time the usual ways of reading a numeric CSV file in Python."""
    t0 = time.perf_counter()
    rows = read_csv(path)
    print("numpy_s=%.4f" % (time.perf_counter() - t0))
    print("rows=%d" % rows.shape[0])
    try:
        import pandas
    except ImportError:
        print("pandas_skip=pandas not importable")
        return
    t0 = time.perf_counter()
    pandas.read_csv(path, dtype=np.float32)
    print("pandas_s=%.4f" % (time.perf_counter() - t0))


def main(argv):
    warnings.simplefilter("ignore", ConvergenceWarning)
    if len(argv) == 9 and argv[1] == "train":
        train(*argv[2:])
    elif len(argv) == 6 and argv[1] == "predict":
        predict(*argv[2:])
    elif len(argv) == 3 and argv[1] == "load":
        load(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
