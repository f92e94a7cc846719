"""Seconds per MNIST epoch: the NumPy engine against Keras, plus achieved GFLOP/s.

    TF_CPP_MIN_LOG_LEVEL=3 python benchmarks/engine_vs_keras.py [--repeats 3]

Both train the same network (784-64-64-10, ReLU, ReLU, softmax, Adam, sparse categorical
cross-entropy, batch 128, shuffled) from the same initial weights for one epoch of the
60,000 MNIST training images, after a warm-up (Keras traces its graphs for full and
partial batches; the engine fills its caches). Each is timed ``--repeats`` times and the
best time is reported, since other processes share the CPU.

Printed figures:

* seconds per epoch for each, and the ratio Keras / engine (target: >= 2);
* the engine's achieved GFLOP/s: the matrix-multiply work of one epoch (forward,
  weight gradients, input gradients of layers 2 and 3) divided by its epoch time;
* the machine's float32 matmul GFLOP/s measured with NumPy on 1024x1024 matrices, and at
  the network's largest shape (128x784 @ 784x64), for reference (target: the engine
  reaches at least half of the 1024x1024 rate).

``benchmarks/engine_profile.py`` shows where the engine's step time goes and the floor
that the matmuls, Adam's element-wise passes and the batch gather set for any NumPy engine.

``--threads N`` gives both libraries N threads (OpenBLAS for NumPy, intra-op threads for
TensorFlow); the default leaves both at their own choice (all cores). On a machine busy
with other work, multi-threaded BLAS on small matrices can collapse (its threads wait for
each other's time slices), so compare ``--threads 1`` there too.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _threads_from_argv() -> int | None:
    # Thread counts must be fixed before NumPy (OpenBLAS) is imported.
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--threads", type=int, default=None)
    known, _ = parser.parse_known_args()
    if known.threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(known.threads)
    return known.threads


THREADS = _threads_from_argv()

import numpy as np  # noqa: E402

import dlcourse.nn as nn  # noqa: E402
from dlcourse.data import load_mnist  # noqa: E402

LAYERS = (784, 64, 64, 10)
BATCH = 128


def epoch_flops(n: int) -> float:
    """Matmul FLOPs of one training epoch: forward + weight grads + input grads (not layer 1)."""
    pairs = list(zip(LAYERS[:-1], LAYERS[1:]))
    forward = sum(2 * a * b for a, b in pairs)
    weight_grads = forward
    input_grads = sum(2 * a * b for a, b in pairs[1:])
    return float(n) * (forward + weight_grads + input_grads)


def matmul_gflops(m: int, k: int, n: int, seconds: float = 1.0) -> float:
    """Best float32 matmul rate NumPy reaches on (m, k) @ (k, n), in GFLOP/s."""
    rng = np.random.default_rng(0)
    a = rng.random((m, k), dtype=np.float32)
    b = rng.random((k, n), dtype=np.float32)
    out = np.empty((m, n), np.float32)
    np.matmul(a, b, out=out)
    reps = max(1, int(2e8 / (2 * m * k * n)))
    best = float("inf")
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=out)
        best = min(best, (time.perf_counter() - start) / reps)
    return 2 * m * k * n / best / 1e9


def best_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="threads for both libraries (default: all)")
    args = parser.parse_args()

    (x_train, y_train), _ = load_mnist()
    x = (x_train.reshape(len(x_train), -1) / np.float32(255)).astype(np.float32)
    y = y_train.astype(np.int64)
    warm = slice(0, 20 * BATCH + len(x) % BATCH)  # full batches and the epoch's partial last one

    nn.set_seed(0)
    engine = nn.Sequential([nn.Input((784,)), nn.Dense(64, activation="relu"),
                            nn.Dense(64, activation="relu"), nn.Dense(10, activation="softmax")])
    engine.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    import keras  # after the engine: importing dlcourse.nn must not need TensorFlow
    import tensorflow as tf

    if THREADS:
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        tf.config.threading.set_inter_op_parallelism_threads(THREADS)

    reference = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    reference.set_weights(engine.get_weights())
    reference.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    engine.fit(x[warm], y[warm], batch_size=BATCH, epochs=1, verbose=0)
    reference.fit(x[warm], y[warm], batch_size=BATCH, epochs=1, verbose=0)

    results = {}
    for name, model in (("engine", engine), ("keras", reference)):
        results[name] = best_time(lambda m=model: m.fit(x, y, batch_size=BATCH, epochs=1, verbose=0), args.repeats)
    # Interleave a second round, so both see similar background load.
    for name, model in (("engine", engine), ("keras", reference)):
        results[name] = min(results[name], best_time(lambda m=model: m.fit(x, y, batch_size=BATCH, epochs=1, verbose=0), 1))

    flops = epoch_flops(len(x))
    engine_rate = flops / results["engine"] / 1e9
    big = matmul_gflops(1024, 1024, 1024)
    layer = matmul_gflops(BATCH, 784, 64)
    train_acc = {name: model.evaluate(x, y, batch_size=2000, verbose=0)[1] for name, model in
                 (("engine", engine), ("keras", reference))}

    threads = f"{THREADS} thread(s) each" if THREADS else f"default threads ({os.cpu_count()} cores)"
    print(f"MNIST epoch (60,000 images), 784-64-64-10, Adam, batch {BATCH}; best of {args.repeats + 1} runs; {threads}")
    print(f"  engine : {results['engine']:.3f} s/epoch   (train accuracy now {train_acc['engine']:.4f})")
    print(f"  keras  : {results['keras']:.3f} s/epoch   (train accuracy now {train_acc['keras']:.4f})")
    print(f"  ratio keras/engine: {results['keras'] / results['engine']:.2f}x  (target >= 2)")
    print(f"  engine achieved   : {engine_rate:.1f} GFLOP/s  ({flops / 1e9:.2f} GFLOP of matmuls per epoch)")
    print(f"  numpy matmul      : {big:.1f} GFLOP/s at 1024x1024x1024, {layer:.1f} GFLOP/s at 128x784x64")
    print(f"  engine / matmul   : {engine_rate / big:.0%} of the 1024^3 rate, {engine_rate / layer:.0%} of the "
          f"128x784x64 rate  (target >= 50%)")


if __name__ == "__main__":
    main()
