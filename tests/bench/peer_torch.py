#!/usr/bin/python3
"""peer_torch.py -- the PyTorch side of the benchmark.

Usage:
  peer_torch.py train FILE HIDDEN ACT BATCH EPOCHS RATE SEED
      Train nn.Sequential with Adam for EPOCHS passes of mini-batches
      drawn by torch.randperm on a CSV file with a header and the class
      label last.
  peer_torch.py predict TRAIN ROWS HIDDEN SEED
      Train one epoch on TRAIN (not timed), then read the unlabelled CSV
      ROWS, predict every row and write one label a line to /dev/null,
      timed.

Runs on one thread unless TORCH_THREADS says otherwise.  Features are
standardised to mean 0 and spread 1, as mlptrain does; two classes get
one logit and binary cross-entropy (mlptrain's sigmoid output), more get
one logit per class and softmax cross-entropy.  Prints key=value lines:
load_s, train_s, acc (training accuracy of the final weights),
predict_s, rows; 'skip=why' when torch is missing.
"""
import os
import sys
import time

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as e:
    print("skip=torch not importable: %s" % e)
    sys.exit(0)

from peer_common import read_csv, standardize, timed_predict


def make_net(n_in, hidden, act, n_classes):
    """Linear layers with the activation between them."""
    unit = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}[act]
    layers, width = [], n_in
    for w in (int(v) for v in hidden.split(",")):
        layers += [nn.Linear(width, w), unit()]
        width = w
    layers.append(nn.Linear(width, 1 if n_classes == 2 else n_classes))
    return nn.Sequential(*layers)


def fit(net, x, y, n_classes, batch, epochs, rate):
    """Adam on shuffled mini-batches; the last batch may be short."""
    opt = torch.optim.Adam(net.parameters(), lr=rate)
    if n_classes == 2:
        loss_fn, target = nn.BCEWithLogitsLoss(), y.float().unsqueeze(1)
    else:
        loss_fn, target = nn.CrossEntropyLoss(), y
    n = x.shape[0]
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), target[idx])
            loss.backward()
            opt.step()


def labels_of(net, x, n_classes):
    """Predicted class of every row, in chunks to bound memory."""
    out = []
    with torch.no_grad():
        for i in range(0, x.shape[0], 65536):
            z = net(x[i:i + 65536])
            out.append((z[:, 0] > 0).long() if n_classes == 2
                       else z.argmax(dim=1))
    return torch.cat(out)


def prepare(data, hidden, act, seed):
    """Scale labelled rows; a fresh net for them."""
    x, mean, scale = standardize(data[:, :-1])
    y = torch.from_numpy(data[:, -1].astype(np.int64))
    n_classes = int(y.max()) + 1
    torch.manual_seed(int(seed))
    net = make_net(x.shape[1], hidden, act, n_classes)
    return torch.from_numpy(x), y, n_classes, net, mean, scale


def train(path, hidden, act, batch, epochs, rate, seed):
    """Time the load and the training separately."""
    t0 = time.perf_counter()
    data = read_csv(path)
    t1 = time.perf_counter()

    x, y, n_classes, net, _, _ = prepare(data, hidden, act, seed)
    del data
    t2 = time.perf_counter()
    fit(net, x, y, n_classes, int(batch), int(epochs), float(rate))
    t3 = time.perf_counter()

    acc = (labels_of(net, x, n_classes) == y).float().mean().item()
    print("load_s=%.4f" % (t1 - t0))
    print("train_s=%.4f" % (t3 - t2))
    print("acc=%.4f" % acc)


def predict(train_path, rows_path, hidden, seed):
    """Train one quick epoch, then time read + predict + write."""
    x, y, n_classes, net, mean, scale = prepare(read_csv(train_path),
                                                hidden, "relu", seed)
    fit(net, x, y, n_classes, 128, 1, 0.001)

    timed_predict(rows_path, mean, scale,
                  lambda rows: labels_of(net, torch.from_numpy(rows),
                                         n_classes).numpy())


def main(argv):
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    if len(argv) == 9 and argv[1] == "train":
        train(*argv[2:])
    elif len(argv) == 6 and argv[1] == "predict":
        predict(*argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
