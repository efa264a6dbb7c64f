#!/usr/bin/env python3
"""Make the synthetic data sets in this folder, the same bytes every run.

    python3 data/gen.py            # rewrites points, xor, circles, spiral,
                                   # sine; copies iris from scikit-learn

Each set uses its own seeded generator (Python's random module), so that
changing one leaves the others alone.  Iris is copied from the CSV file that
Debian's python3-sklearn ships, with species names for labels.
"""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(v if isinstance(v, str) else "%.4f" % v
                             for v in r) + "\n")


def points(rng, n=300):
    """Two interleaved crescents, blue and red: no straight line parts them."""
    rows = []
    for i in range(n):
        t = rng.uniform(0, math.pi)
        if i % 2 == 0:
            x, y, c = math.cos(t), math.sin(t), "blue"
        else:
            x, y, c = 1 - math.cos(t), 0.5 - math.sin(t), "red"
        rows.append((x + rng.gauss(0, 0.12), y + rng.gauss(0, 0.12), c))
    return rows


def xor():
    return [(a, b, str(int(a) ^ int(b))) for a in (0.0, 1.0) for b in (0.0, 1.0)]


def circles(rng, n=400):
    """A small ring (inner) inside a larger one (outer), with some noise."""
    rows = []
    for i in range(n):
        t = rng.uniform(0, 2 * math.pi)
        r, c = (0.5, "inner") if i % 2 == 0 else (1.0, "outer")
        rows.append((r * math.cos(t) + rng.gauss(0, 0.08),
                     r * math.sin(t) + rng.gauss(0, 0.08), c))
    return rows


def spiral(rng, n_per_class=100, k=3):
    """k arms winding out from the centre, one class each."""
    rows = []
    for c in range(k):
        for i in range(n_per_class):
            r = i / n_per_class
            t = c * 2 * math.pi / k + 4 * r + rng.gauss(0, 0.2)
            rows.append((r * math.sin(t), r * math.cos(t), str(c)))
    return rows


def sine(rng, n=300):
    """A regression target: y = sin(3x) + 0.5x plus a little noise."""
    rows = []
    for _ in range(n):
        x = rng.uniform(-2, 2)
        rows.append((x, math.sin(3 * x) + 0.5 * x + rng.gauss(0, 0.05)))
    return rows


def iris():
    src = "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv"
    names = ["setosa", "versicolor", "virginica"]
    rows = []
    with open(src) as f:
        next(f)
        for line in f:
            v = line.strip().split(",")
            rows.append(tuple(v[:4]) + (names[int(v[4])],))
    return rows


def main():
    write("points.csv", ["x1", "x2", "label"], points(random.Random(1)))
    write("xor.csv", ["a", "b", "xor"], xor())
    write("circles.csv", ["x1", "x2", "ring"], circles(random.Random(2)))
    write("spiral.csv", ["x1", "x2", "arm"], spiral(random.Random(3)))
    write("sine.csv", ["x", "y"], sine(random.Random(4)))
    write("iris.csv", ["sepal_length", "sepal_width", "petal_length",
                       "petal_width", "species"], iris())


if __name__ == "__main__":
    main()
