"""Where one training step of the NumPy engine spends its time, and the fastest NumPy allows.

    python benchmarks/engine_profile.py [--steps 1400] [--threads N]

Trains the seeds' MNIST network (784-64-64-10, ReLU, ReLU, softmax, Adam, batch 128,
shuffled) with the same calls ``Sequential.fit`` makes, timing each part of every step:
gathering the shuffled batch, forward, loss, backward, the optimizer update, metrics.
Medians are printed, which other processes' bursts of work do not move.

Then it measures the three parts no NumPy engine can avoid, each as it occurs in training
(fresh batches, so caches are as cold as in ``fit``):

* the step's eight matrix multiplies (forward; weight gradients; input gradients of
  layers 2 and 3) at their exact shapes, written into preallocated arrays;
* Adam's update of all 55,050 weights: element-wise NumPy passes over the flat arrays
  (NumPy runs those on one core);
* gathering 128 shuffled rows of the 188 MB training set (as timed in the step above).

Their sum is a floor on the step time of any NumPy engine for this network, whatever
its Python overhead; the script prints the GFLOP/s that floor would give, as a fraction
of the machine's 1024x1024x1024 matmul rate (``benchmarks/engine_vs_keras.py`` uses the
same reference). Finally it times handing work to a second Python thread and waiting for
it, the cost of any attempt to spread the element-wise work over both cores.
"""

from __future__ import annotations

import argparse
import os
import threading
import time

# engine_vs_keras fixes the BLAS thread count (--threads) before NumPy is imported.
from engine_vs_keras import BATCH, LAYERS, THREADS, epoch_flops, matmul_gflops

import numpy as np  # noqa: E402  (after the thread count is fixed)

import dlcourse.nn as nn  # noqa: E402
from dlcourse.data import load_mnist  # noqa: E402

PARTS = ("gather", "forward", "loss", "backward", "optimizer", "metrics")


def build_model() -> nn.Sequential:
    nn.set_seed(0)
    model = nn.Sequential([nn.Input((LAYERS[0],))] + [
        nn.Dense(units, activation="relu") for units in LAYERS[1:-1]
    ] + [nn.Dense(LAYERS[-1], activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def batches(n: int, steps: int, rng: np.random.Generator):
    """Index arrays of ``steps`` full shuffled batches, a new permutation every epoch."""
    done = 0
    while done < steps:
        order = rng.permutation(n)
        for start in range(0, n - BATCH + 1, BATCH):
            if done == steps:
                return
            yield order[start:start + BATCH]
            done += 1


def profile_steps(model: nn.Sequential, x: np.ndarray, y: np.ndarray, steps: int) -> dict[str, float]:
    """Median seconds per step of each part of ``fit``'s training step (same calls, same order)."""
    clock = time.perf_counter
    times: dict[str, list[float]] = {part: [] for part in PARTS}
    buffer = np.empty((BATCH, x.shape[1]), x.dtype)
    metrics = model.metrics
    with np.errstate(under="ignore"):
        for idx in batches(len(x), steps, np.random.default_rng(1)):
            t0 = clock()
            xb = np.take(x, idx, axis=0, out=buffer, mode="clip")
            yb = y[idx]
            t1 = clock()
            out = model.forward(xb, training=True)
            t2 = clock()
            _, grad = model._loss(yb, out, need_gradient=True, fused=True)
            t3 = clock()
            model.backward(grad, fused=True)
            t4 = clock()
            model.optimizer.apply([model._flat_grads], [model._flat_params])
            t5 = clock()
            for metric in metrics:
                metric.update_state(yb, out)
            t6 = clock()
            for part, dt in zip(PARTS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
                times[part].append(dt)
    return {part: float(np.median(t)) for part, t in times.items()}


def floor_parts(model: nn.Sequential, x: np.ndarray, steps: int) -> dict[str, float]:
    """Median seconds per step of the step's matmuls (on fresh batches) and of Adam's passes."""
    clock = time.perf_counter
    kernels = [layer.kernel for layer in model.layers]
    widths = LAYERS[1:]
    acts = [np.empty((BATCH, w), np.float32) for w in widths]
    deltas = [np.empty((BATCH, w), np.float32) for w in widths]
    grads = [np.empty_like(k) for k in kernels]
    buffer = np.empty((BATCH, x.shape[1]), x.dtype)
    rng = np.random.default_rng(2)
    for d in deltas:
        d[...] = rng.standard_normal(d.shape, dtype=np.float32)
    matmul, update = [], []
    for idx in batches(len(x), steps, rng):
        xb = np.take(x, idx, axis=0, out=buffer, mode="clip")
        t1 = clock()
        inputs = [xb, *acts[:-1]]
        for a, k, out in zip(inputs, kernels, acts):  # forward
            np.matmul(a, k, out=out)
        for i in range(len(kernels) - 1, -1, -1):  # backward: weight grads, input grads above layer 1
            np.matmul(inputs[i].T, deltas[i], out=grads[i])
            if i:
                np.matmul(deltas[i], kernels[i].T, out=deltas[i - 1])
        t2 = clock()
        matmul.append(t2 - t1)

    flat_p, flat_g = model._flat_params.copy(), model._flat_grads.copy()
    adam = nn.optimizers.Adam()
    adam.apply([flat_g], [flat_p])  # create its state
    evict = np.zeros(4 << 20, np.float32)  # 16 MB: the step's other arrays pass through the cache
    for _ in range(steps // 4):
        evict += 1.0
        t0 = clock()
        adam.apply([flat_g], [flat_p])
        update.append(clock() - t0)
    return {"matmuls": float(np.median(matmul)), "Adam update": float(np.median(update))}


def handoff_seconds(repeats: int = 5000) -> float:
    """Median round trip of asking a waiting Python thread to do nothing and waiting for it."""
    go, done = threading.Event(), threading.Event()

    def worker() -> None:
        while True:
            go.wait()
            go.clear()
            done.set()

    threading.Thread(target=worker, daemon=True).start()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        done.clear()
        go.set()
        done.wait()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1400, help="training steps to time (469 per epoch)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: the engine's own choice, dlcourse.nn.threads)")
    args = parser.parse_args()

    (x_train, y_train), _ = load_mnist()
    x = (x_train.reshape(len(x_train), -1) / np.float32(255)).astype(np.float32)
    y = y_train.astype(np.intp)
    model = build_model()
    model.fit(x[:20 * BATCH], y[:20 * BATCH], batch_size=BATCH, epochs=1, verbose=0)  # warm-up

    with model._threads(BATCH):  # the BLAS threads fit uses (left alone with --threads)
        parts = profile_steps(model, x, y, args.steps)
        floor = floor_parts(model, x, args.steps)
    floor["gather"] = parts["gather"]
    big = matmul_gflops(1024, 1024, 1024)
    handoff = handoff_seconds()

    steps_per_epoch = -(-len(x) // BATCH)
    flops_per_step = epoch_flops(BATCH)
    threads = f"{THREADS} BLAS thread(s)" if THREADS else "the engine's BLAS threads (dlcourse.nn.threads)"

    def line(name: str, seconds: float) -> str:
        return f"  {name:<34}{seconds * 1e6:7.1f} us"

    def verdict(seconds: float) -> str:
        rate = flops_per_step / seconds / 1e9
        return (f"{seconds * steps_per_epoch:.3f} s/epoch, {rate:.1f} GFLOP/s = {rate / big:.0%} of the "
                f"1024^3 rate ({big:.1f} GFLOP/s)")

    print(f"Engine training step, 784-64-64-10, Adam, batch {BATCH}; median of {args.steps} steps; {threads}")
    for part in PARTS:
        print(line(part, parts[part]))
    total = sum(parts.values())
    print(line("step", total) + f"  -> {verdict(total)}")
    print("Work no NumPy engine can skip, timed alone:")
    for name, seconds in floor.items():
        print(line(name, seconds))
    least = sum(floor.values())
    print(line("floor", least) + f"  -> {verdict(least)}")
    print(line("hand work to a 2nd thread and back", handoff))
    print(f"  (target in the issue: 50% of the 1024^3 rate = {flops_per_step / (big / 2 * 1e9) * 1e6:.0f} us per step)")


if __name__ == "__main__":
    main()
