"""Lesson 08's MNIST recipes over several seeds: training time, validation and test accuracy.

    TF_CPP_MIN_LOG_LEVEL=3 python benchmarks/mnist_recipes.py [--seeds 0 1 2 3 4] [--recipes 128x10 32x20 wide]

Each recipe trains as lesson 08 does: on the first 54,000 MNIST training images, with the last
6,000 as the validation set, pixels scaled to [0, 1].

* ``128x10``: the 784-64-64-10 network (ReLU, ReLU, softmax), Adam(0.001), batch 128, 10 epochs;
* ``32x20``: the same network, batch 32, 20 epochs (Keras' default batch size);
* ``wide``: 784-256-256-10 with Dropout(0.2) after each hidden layer, Adam with
  CosineDecay(0.002) over 6 epochs of batch 128.

Printed: one line per run (seconds of ``fit``, validation and test accuracy), then each recipe's
range over the seeds. Lesson 08 quotes these ranges as measured on the reference machine (2
cores, no GPU); times depend on the machine and on whatever else runs, so run it on a quiet one.
"""

from __future__ import annotations

import argparse
import math
import time

from dlcourse.data import load_mnist
from dlcourse.seeding import import_keras, seed_everything

FIT_ROWS = 54_000


def build(recipe: str, keras):
    """The compiled model of ``recipe`` and its (batch size, epochs)."""
    if recipe == "wide":
        hidden, dropout, batch, epochs = 256, 0.2, 128, 6
        rate = keras.optimizers.schedules.CosineDecay(0.002, decay_steps=epochs * math.ceil(FIT_ROWS / batch))
    else:
        batch, epochs = (int(part) for part in recipe.split("x"))
        hidden, dropout, rate = 64, 0.0, 0.001
    layers = [keras.Input((784,))]
    for _ in range(2):
        layers.append(keras.layers.Dense(hidden, activation="relu"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    model = keras.Sequential([*layers, keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model, batch, epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--recipes", nargs="+", default=["128x10", "32x20", "wide"])
    args = parser.parse_args()
    keras = import_keras()
    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255
    x_test = x_test.reshape(-1, 784).astype("float32") / 255
    x_fit = keras.ops.convert_to_tensor(x_train[:FIT_ROWS])
    y_fit, x_val, y_val = y_train[:FIT_ROWS], x_train[FIT_ROWS:], y_train[FIT_ROWS:]
    found: dict[str, list[tuple[float, float, float]]] = {}
    print(f"{'recipe':<8}{'seed':>5}{'fit s':>8}{'validation':>12}{'test':>8}")
    for recipe in args.recipes:
        for seed in args.seeds:
            seed_everything(seed)
            model, batch, epochs = build(recipe, keras)
            start = time.perf_counter()
            model.fit(x_fit, y_fit, batch_size=batch, epochs=epochs, verbose=0)
            seconds = time.perf_counter() - start
            val = model.evaluate(x_val, y_val, verbose=0)[1]
            test = model.evaluate(x_test, y_test, verbose=0)[1]
            found.setdefault(recipe, []).append((seconds, val, test))
            print(f"{recipe:<8}{seed:>5}{seconds:>8.1f}{val:>12.2%}{test:>8.2%}", flush=True)
    print()
    for recipe, runs in found.items():
        seconds, val, test = zip(*runs)
        print(f"{recipe:<8} over {len(runs)} seeds: fit {min(seconds):.0f}-{max(seconds):.0f} s, "
              f"validation {min(val):.2%}-{max(val):.2%}, test {min(test):.2%}-{max(test):.2%}")


if __name__ == "__main__":
    main()
