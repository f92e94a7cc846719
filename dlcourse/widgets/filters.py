"""What a convolutional network's filters see in one digit, filter by filter (lesson 12).

``conv_feature_maps(model, image)`` runs a trained Keras model on one image and returns, for
each ``Conv2D`` layer, its weights (kernels) and its output (the feature maps).
``feature_map_explorer(image, layers)`` shows, for the chosen layer and filter, the digit, the
filter's weights and the feature map it produces. All maps are computed once, before the widget
appears, so moving a control only swaps pictures (no network runs in its frames,
:class:`FeatureMapFrames`).

Controls: the ``filter`` slider picks the filter (keyboard: Tab to it, then ← →); the ``layer``
menu picks the convolution layer. Introduced in lesson 12.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["FeatureMapFrames", "conv_feature_maps", "feature_map_explorer"]


def conv_feature_maps(model: Any, image: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """For each Conv2D layer of ``model``: ``{"kernels": (h, w, in, out), "maps": (H, W, out)}``.

    ``image`` is one input as the model takes it, e.g. (28, 28, 1) floats in [0, 1].
    Introduced in lesson 12.
    """
    from dlcourse.seeding import import_keras  # noqa: PLC0415

    keras = import_keras()
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    if not convs:
        raise ValueError("the model has no Conv2D layer")
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    probe = keras.Model(inputs=inputs, outputs=[layer.output for layer in convs])
    outputs = probe(np.asarray(image, dtype="float32")[None], training=False)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return {layer.name: {"kernels": np.asarray(layer.get_weights()[0]), "maps": np.asarray(out)[0]}
            for layer, out in zip(convs, outputs)}


class FeatureMapFrames:
    """The explorer's frames without widgets: ``frames({"filter": i, "layer": name})`` is a :class:`Frame`.

    ``layers`` is what :func:`conv_feature_maps` returns; one figure (``figure``: the digit, the
    filter's weights, its feature map), laid out once, is redrawn for each frame. Introduced in lesson 12.
    """

    def __init__(self, image: np.ndarray, layers: dict[str, dict[str, np.ndarray]]) -> None:
        from dlcourse.viz.figure import FastPNG  # noqa: PLC0415
        from dlcourse.viz.images import as_square, draw_image  # noqa: PLC0415
        from dlcourse.viz.style import new_figure  # noqa: PLC0415

        self.layers = layers
        first = layers[next(iter(layers))]
        self.figure, ax_image = fig, _ = new_figure("the digit", "", "", figsize=(6.4, 2.6))
        ax_image.grid(False)
        grid = fig.add_gridspec(1, 3)
        ax_image.set_subplotspec(grid[0, 0])
        draw_image(ax_image, as_square(image))
        self.ax_kernel = fig.add_subplot(grid[0, 1])
        self.ax_map = fig.add_subplot(grid[0, 2])
        kernel_size = first["kernels"].shape[:2]
        self.shown_kernel = self.ax_kernel.imshow(np.zeros(kernel_size), cmap="PuOr_r", vmin=-1, vmax=1,
                                                  interpolation="nearest")
        self.shown_map = self.ax_map.imshow(first["maps"][..., 0], cmap="gray", vmin=0, vmax=1,
                                            interpolation="nearest")
        for ax in (self.ax_kernel, self.ax_map):
            ax.set_xticks([])
            ax.set_yticks([])
        for ax in (self.ax_kernel, self.ax_map):  # a title redrawn alone (below) needs a fixed height: y=1
            ax.set_title("filter 00: weights\n(input channel 00)", y=1.0, fontsize=10)  # two lines: narrow panels
        bars = [fig.colorbar(self.shown_kernel, ax=self.ax_kernel, shrink=0.8, label="weight (orange +, purple −)").ax,
                fig.colorbar(self.shown_map, ax=self.ax_map, shrink=0.8, label="activation (this map's range)").ax]
        self.fast = FastPNG(fig, lambda: [  # what a move changes; the rest (the digit) is drawn once
            self.shown_kernel, self.shown_map, self.ax_kernel.title, self.ax_map.title,
            *self.ax_kernel.spines.values(), *self.ax_map.spines.values(),
            *(part for bar in bars for part in bar.get_children() if part is not bar.patch)])
        self.fast.lay_out()

    def __call__(self, values: Mapping[str, Any]) -> Any:
        from dlcourse.widgets.frame import Frame  # noqa: PLC0415

        name, index = values["layer"], int(values["filter"])
        data = self.layers[name]
        kernels = data["kernels"][..., index]          # (h, w, in)
        channel = int(np.argmax(np.abs(kernels).sum(axis=(0, 1))))
        kernel = kernels[..., channel]
        top = float(np.abs(kernel).max()) or 1.0
        self.shown_kernel.set_data(kernel)
        self.shown_kernel.set_clim(-top, top)
        feature = data["maps"][..., index]
        self.shown_map.set_data(feature)
        self.shown_map.set_clim(float(feature.min()), float(feature.max()) if feature.max() > feature.min() else 1.0)
        where = f"input channel {channel}" if kernels.shape[-1] > 1 else "one input channel"
        self.ax_kernel.set_title(f"filter {index}: weights\n({where})", fontsize=10)
        self.ax_map.set_title(f"feature map {index}\n({feature.shape[0]}×{feature.shape[1]})", fontsize=10)
        active = float((feature > 0).mean())
        return Frame(
            self.fast.png(),
            f"{name}, filter <b>{index}</b>: {active:.0%} of the feature map is above zero "
            f"(bright = the pattern is strongly present there); strongest response {float(feature.max()):.2f}.",
            f"Three panels: the digit; the {kernel.shape[0]}×{kernel.shape[1]} weights of filter {index} of "
            f"{name}{where}, orange for positive and purple for negative; and its "
            f"{feature.shape[0]}×{feature.shape[1]} feature map, bright where the pattern is found: "
            f"{active:.0%} of it above zero, strongest response {float(feature.max()):.2f}.")


def feature_map_explorer(image: np.ndarray, layers: dict[str, dict[str, np.ndarray]], start_filter: int = 0) -> Any:
    """A widget: a ``filter`` slider and a ``layer`` menu over the digit, the filter and its feature map.

    ``layers`` is what :func:`conv_feature_maps` returns. For a layer whose filters read several
    channels (every layer after the first), the weights shown are those on the input channel
    the filter weighs most. Its controls are named ``filter`` and ``layer`` (a new layer restarts
    the slider, one draw); its frames are :class:`FeatureMapFrames`. Introduced in lesson 12.
    """
    import ipywidgets as widgets  # noqa: PLC0415

    from dlcourse.widgets.browsing import restart  # noqa: PLC0415
    from dlcourse.widgets.live import LiveWidget  # noqa: PLC0415
    from dlcourse.widgets.menu import Menu  # noqa: PLC0415

    names = list(layers)
    count = layers[names[0]]["maps"].shape[-1]
    controls = {
        "filter": widgets.IntSlider(value=min(start_filter, count - 1), min=0, max=count - 1, step=1,
                                    description="filter", continuous_update=True, layout={"width": "420px"},
                                    tooltip="which filter of the layer to show; arrow keys step one filter"),
        "layer": Menu(options=[(f"{name} ({layers[name]['maps'].shape[-1]} filters, "
                                f"maps {layers[name]['maps'].shape[0]}×{layers[name]['maps'].shape[1]})",
                                name) for name in names],
                      value=names[0], description="layer", layout={"width": "420px"}),
    }
    return LiveWidget(
        controls, FeatureMapFrames(image, layers),
        react={"layer": restart("filter", "layer", lambda layer: layers[layer]["maps"].shape[-1])},
        help="<b>filter</b>: which filter to look at (drag, or Tab to the slider and press ← →). "
             "<b>layer</b>: the first or the second convolution. Middle: the filter's weights; "
             "right: the feature map, where the filter's pattern is found in the digit.")
