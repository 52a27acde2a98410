"""The Keras networks of the deep models: ``rnn`` (GRU) and ``cnn`` (Conv1D) over the term
sequence with a wide & deep head on the tabular view; without a usable sequence the two are
different networks (see `build_cnn`). Keras 3 only, imported lazily (inside functions):
importing this module does not load a Keras backend."""

from __future__ import annotations

from predictions.ml.labels import LABELS


def _keras():
    import keras  # noqa: PLC0415 - lazy on purpose: web processes never load TensorFlow

    return keras


def _head(keras, parts: list, wide_in, *, hidden: int, dropout: float, l2: float, wide_l2: float):
    """Deep head on the concatenated parts + a linear (wide) path on the tabular input;
    the two logit sets are added (wide & deep), then softmax over the 3 classes."""
    layers = keras.layers
    reg = keras.regularizers.L2(l2)
    h = layers.Concatenate()(parts) if len(parts) > 1 else parts[0]
    h = layers.Dropout(dropout)(h)
    h = layers.Dense(hidden, activation="relu", kernel_regularizer=reg)(h)
    h = layers.Dropout(dropout)(h)
    deep_logits = layers.Dense(len(LABELS), kernel_regularizer=reg)(h)
    wide_logits = layers.Dense(len(LABELS), kernel_regularizer=keras.regularizers.L2(wide_l2))(
        wide_in
    )
    logits = layers.Add()([deep_logits, wide_logits])
    return layers.Activation("softmax")(logits)


def _tabular_net(keras, static_in, *, hidden: int, dropout: float, l2: float, wide_l2: float):
    """Static-only "cnn": a two-hidden-layer MLP (2h -> h, ReLU, dropout on the input and
    after each layer) plus the linear (wide) path; `_head` (the static "rnn") has one layer.
    (A residual MLP with batch normalisation scored lower on student-mat.static.)"""
    layers = keras.layers
    reg = keras.regularizers.L2(l2)
    h = layers.Dropout(dropout)(static_in)
    h = layers.Dense(2 * hidden, activation="relu", kernel_regularizer=reg)(h)
    h = layers.Dropout(dropout)(h)
    h = layers.Dense(hidden, activation="relu", kernel_regularizer=reg)(h)
    h = layers.Dropout(dropout)(h)
    deep_logits = layers.Dense(len(LABELS), kernel_regularizer=reg)(h)
    wide_logits = layers.Dense(len(LABELS), kernel_regularizer=keras.regularizers.L2(wide_l2))(
        static_in
    )
    return layers.Activation("softmax")(layers.Add()([deep_logits, wide_logits]))


def _build(
    arch: str,
    n_steps,
    n_features,
    n_static,
    *,
    units,
    hidden,
    dropout,
    l2,
    wide_l2,
    n_towers,
    kernel_size=3,
):
    """``n_towers`` independent networks on shared inputs, one softmax output each (they are
    trained together, each on its own loss, and averaged at prediction: a cheap seed
    ensemble that costs one compiled graph instead of several)."""
    keras = _keras()
    layers = keras.layers
    reg = keras.regularizers.L2(l2)
    static_in = keras.Input((n_static,), name="static")
    inputs = [static_in]
    if n_steps:
        seq_in = keras.Input((n_steps, n_features), name="seq")
        inputs = [seq_in, static_in]
    outputs = []
    for _ in range(n_towers):
        parts = [static_in]
        if n_steps and arch == "rnn":
            # Padding steps are all-zero (real steps carry a presence channel of 1).
            x = layers.Masking(mask_value=0.0)(seq_in)
            # Short histories: an unrolled GRU is plain matmuls, much faster than a loop.
            gru = layers.GRU(units, kernel_regularizer=reg, unroll=n_steps <= 12)
            parts = [gru(x), static_in]
        elif n_steps:
            k = max(1, min(kernel_size, n_steps))
            x = layers.Conv1D(units, k, padding="same", activation="relu", kernel_regularizer=reg)(
                seq_in
            )
            # Flatten keeps the position: the latest term is always the last step.
            parts = [layers.Flatten()(x), static_in]
        if not n_steps and arch == "cnn":
            # No sequence: a GRU and a convolution would both reduce to the same dense head.
            # The "cnn" becomes a different network: a deeper MLP on the tabular view.
            outputs.append(
                _tabular_net(
                    keras, static_in, hidden=hidden, dropout=dropout, l2=l2, wide_l2=wide_l2
                )
            )
            continue
        outputs.append(
            _head(keras, parts, static_in, hidden=hidden, dropout=dropout, l2=l2, wide_l2=wide_l2)
        )
    name = arch if n_steps else ("rnn_static" if arch == "rnn" else "cnn_tabular_mlp")
    return keras.Model(inputs, outputs if n_towers > 1 else outputs[0], name=name)


def build_rnn(
    n_steps: int,
    n_features: int,
    n_static: int,
    *,
    units: int = 32,
    hidden: int = 32,
    dropout: float = 0.3,
    l2: float = 1e-3,
    wide_l2: float = 1e-2,
    n_towers: int = 1,
):
    """GRU over (n_steps, n_features) right-aligned sequences (all-zero steps are padding and
    masked) + static/tabular input of width n_static, wide & deep head.
    Inputs: [seq (batch, n_steps, n_features), static (batch, n_static)], or [static] when
    n_steps == 0 (static-only network). Output: (batch, 3) softmax in LABELS order (a list of
    n_towers such outputs when n_towers > 1).
    """
    return _build(
        "rnn",
        n_steps,
        n_features,
        n_static,
        units=units,
        hidden=hidden,
        dropout=dropout,
        l2=l2,
        wide_l2=wide_l2,
        n_towers=n_towers,
    )


def build_cnn(
    n_steps: int,
    n_features: int,
    n_static: int,
    *,
    units: int = 32,
    hidden: int = 32,
    dropout: float = 0.3,
    l2: float = 1e-3,
    wide_l2: float = 1e-2,
    kernel_size: int = 3,
    n_towers: int = 1,
):
    """Conv1D (padding='same', kernel <= n_steps) over right-aligned sequences, flattened so
    the latest term keeps its position, + the same wide & deep head as `build_rnn`.
    Same inputs/outputs as `build_rnn`. With n_steps == 0 it is a two-layer tabular MLP
    (`_tabular_net`), so "cnn" and "rnn" never become the same network.
    """
    return _build(
        "cnn",
        n_steps,
        n_features,
        n_static,
        units=units,
        hidden=hidden,
        dropout=dropout,
        l2=l2,
        wide_l2=wide_l2,
        n_towers=n_towers,
        kernel_size=kernel_size,
    )
