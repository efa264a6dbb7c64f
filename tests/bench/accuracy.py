#!/usr/bin/python3
"""Held-out accuracy of mlptrain beside scikit-learn's MLP on data/.

    /usr/bin/python3 tests/bench/accuracy.py [BUILD_DIR]

Every data set in data/ is cut into the same five stratified folds (seeded).
For each fold, mlptrain trains on the other four and mlppredict scores the
held-out one; scikit-learn's MLPClassifier (MLPRegressor for sine.csv), in a
pipeline behind a StandardScaler fitted on the training folds, does the same
with the same settings: one hidden layer of 8 tanh units, Adam at rate 0.03,
batches of 32, 500 epochs, no weight decay, no early stopping.  XOR has
four rows, too few to hold any out, so both are scored on the rows they
learned from, with two sigmoid units.

One starting point says little (a small network's result on 240 rows
swings with its initial weights), so each fold is trained from ten seeds
by both (mlptrain -s, scikit-learn's random_state), 50 fits a set; XOR,
where two units find the answer from about half of the seeds, from 100.
The table gives the mean held-out accuracy (RMSE for regression) over
the fits, and the verdict: mlptrain matches if its mean is no worse than
scikit-learn's by more than the slack, which is the larger of one row of
the smallest held-out fold (classification only: a tie within one row)
and twice the standard error of the difference of the two means.  XOR
has no held-out fold, and one of its four rows would be a quarter of the
score, so its slack is the standard errors' alone.  The script exits
non-zero if any set is worse.

Python and scikit-learn are needed only here, never by the tools or CI.
"""
import csv
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build")
EPOCHS, RATE, BATCH, HIDDEN = 500, 0.03, 32, 8
FOLDS, SEED = 5, 1
SEEDS = tuple(range(1, 11))
XOR_SEEDS = tuple(range(1, 101))


def read(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def ours(tmp, header, train, test, regress, seed, act="tanh",
         hidden=HIDDEN):
    """Train with mlptrain, predict with mlppredict; returns the score."""
    tr, te, model = (os.path.join(tmp, n) for n in ("tr.csv", "te.csv",
                                                     "m.bin"))
    write(tr, header, train)
    write(te, header, test)
    subprocess.run([os.path.join(BUILD, "mlptrain"), "-i", tr, "-o", model,
                    "-q", "-h", str(hidden), "-a", act, "-e", str(EPOCHS),
                    "-r", str(RATE), "-b", str(BATCH), "-O", "adam",
                    "-s", str(seed)]
                   + (["--task", "regress"] if regress else []), check=True)
    out = subprocess.run([os.path.join(BUILD, "mlppredict"), "-m", model,
                          "-i", te, "-q"], check=True, capture_output=True,
                         text=True).stdout.split()
    truth = [r[-1] for r in test]
    if regress:
        return rmse([float(v) for v in out], [float(v) for v in truth])
    return float(np.mean([a == b for a, b in zip(out, truth)]))


def theirs(train, test, regress, seed, act="tanh", hidden=HIDDEN):
    """The same with scikit-learn; returns the score."""
    x = np.array([[float(v) for v in r[:-1]] for r in train])
    xt = np.array([[float(v) for v in r[:-1]] for r in test])
    kw = dict(hidden_layer_sizes=(hidden,), activation=act, solver="adam",
              learning_rate_init=RATE, batch_size=BATCH, max_iter=EPOCHS,
              alpha=0.0, tol=0.0, n_iter_no_change=EPOCHS + 1,
              random_state=seed)
    if regress:
        y = np.array([float(r[-1]) for r in train])
        m = make_pipeline(StandardScaler(), MLPRegressor(**kw)).fit(x, y)
        return rmse(m.predict(xt), [float(r[-1]) for r in test])
    m = make_pipeline(StandardScaler(), MLPClassifier(**kw))
    m.fit(x, [r[-1] for r in train])
    return float(np.mean(m.predict(xt) == np.array([r[-1] for r in test])))


def rmse(pred, truth):
    return float(np.sqrt(np.mean((np.array(pred) - np.array(truth)) ** 2)))


def folds(rows, regress):
    labels = [r[-1] for r in rows]
    if regress:
        split = KFold(FOLDS, shuffle=True, random_state=SEED).split(rows)
    else:
        split = StratifiedKFold(FOLDS, shuffle=True,
                                random_state=SEED).split(rows, labels)
    for tr, te in split:
        yield [rows[i] for i in tr], [rows[i] for i in te]


def verdict(a, b, regress, tie):
    """Mean of our scores a and theirs b, the slack, and whether a matches
    or beats b within it (lower is better for regression)."""
    ma, mb = float(np.mean(a)), float(np.mean(b))
    se = float(np.sqrt(np.var(a, ddof=1) / len(a)
                       + np.var(b, ddof=1) / len(b)))
    slack = max(0.0 if regress else tie, 2.0 * se)
    better = ma <= mb + slack if regress else ma >= mb - slack
    return ma, mb, slack, better


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    # XOR's four rows are fewer than a batch: both tools take them whole
    warnings.filterwarnings("ignore", message="Got `batch_size`")
    sets = ["points", "xor", "circles", "spiral", "sine", "iris"]
    print("%-9s %-9s %10s %10s %8s  %s" % ("data", "score", "mlptrain",
                                           "sklearn", "slack", "verdict"))
    worse = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in sets:
            header, rows = read(os.path.join(TOP, "data", name + ".csv"))
            regress = name == "sine"
            if name == "xor":
                cut, seeds = [(rows, rows)], XOR_SEEDS
                act, hidden, kind = ("sigmoid", "logistic"), 2, "train acc"
            else:
                cut, seeds = list(folds(rows, regress)), SEEDS
                act, hidden = ("tanh", "tanh"), HIDDEN
                kind = "rmse" if regress else "held-out"
            a = [ours(tmp, header, tr, te, regress, s, act[0], hidden)
                 for tr, te in cut for s in seeds]
            b = [theirs(tr, te, regress, s, act[1], hidden)
                 for tr, te in cut for s in seeds]
            tie = 0.0 if name == "xor" else \
                1.0 / min(len(te) for _, te in cut)
            ma, mb, slack, better = verdict(a, b, regress, tie)
            worse += not better
            print("%-9s %-9s %10.4f %10.4f %8.4f  %s" % (
                name, kind, ma, mb, slack,
                "match or better" if better else "WORSE"))
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
