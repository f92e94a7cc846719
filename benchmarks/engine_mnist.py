"""Train the course's MNIST network with the NumPy engine and print test accuracy per epoch.

    python benchmarks/engine_mnist.py [--epochs 10] [--seed 0]

Network: 784-64-64-10 (ReLU, ReLU, softmax), Adam (Keras defaults), sparse categorical
cross-entropy, batch 128, shuffled every epoch. Target: at least 97.0% test accuracy after
10 epochs (Keras reaches 97.2-97.5% with the same network). The data comes from
``dlcourse.data.load_mnist`` (``$DLCOURSE_DATA`` or the per-user cache).

The printed training time counts ``fit`` only, not the per-epoch test evaluation.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import dlcourse.nn as nn
from dlcourse.data import load_mnist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train = (x_train.reshape(len(x_train), -1) / np.float32(255)).astype(np.float32)
    x_test = (x_test.reshape(len(x_test), -1) / np.float32(255)).astype(np.float32)

    nn.set_seed(args.seed)
    model = nn.Sequential([
        nn.Input((784,)),
        nn.Dense(64, activation="relu"),
        nn.Dense(64, activation="relu"),
        nn.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    print(f"MNIST, 784-64-64-10, Adam, batch {args.batch_size}, seed {args.seed}")
    print(f"{'epoch':>5}  {'train loss':>10}  {'train acc':>9}  {'test acc':>8}  {'seconds':>7}")
    train_time = 0.0
    test_acc = 0.0
    for epoch in range(args.epochs):
        start = time.perf_counter()
        history = model.fit(x_train, y_train, batch_size=args.batch_size, epochs=1, verbose=0)
        seconds = time.perf_counter() - start
        train_time += seconds
        _, test_acc = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
        h = history.history
        print(f"{epoch + 1:>5}  {h['loss'][0]:>10.4f}  {h['accuracy'][0]:>9.4f}  {test_acc:>8.4f}  {seconds:>7.2f}")
    print(f"test accuracy after {args.epochs} epochs: {test_acc:.2%} (target >= 97.0%)")
    print(f"training time: {train_time:.1f} s ({train_time / args.epochs:.2f} s per epoch)")


if __name__ == "__main__":
    main()
