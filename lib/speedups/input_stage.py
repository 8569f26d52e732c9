"""A model's fixed input stage, computed once per dataset rather than once per step.

05 and 06 deskew every digit inside the model (lib/deskew.py), so that a saved model takes
raw pixels; in training that costs an image transform per image per epoch, a tenth of 05's
step (``make bench``'s profile), to compute the same images again twenty times. The leading
layers that have no weights and no randomness (the scaling, the deskewing) give the same
output each epoch: ``split`` cuts the model there, training runs the rest on images passed
through the stage once, and the weights trained are the whole model's. On TensorFlow the
numbers stay the same bit for bit (tests/test_training.py; on JAX, XLA compiles the two graphs
differently: the same up to rounding); the saved model is unchanged.
"""

from __future__ import annotations

import keras

from lib.deskew import Deskew

# Layers with no weights and no randomness, whose output depends on their input image alone
FIXED = (keras.layers.Rescaling, Deskew)
# Worth computing ahead: a rescaling alone costs less per step than feeding its float output
COSTLY = (Deskew,)


def fixed_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's leading chain of ``FIXED`` layers, each fed by the one before it."""
    inputs = getattr(model, "inputs", None) or []  # a subclassed model has none: no stage
    chain, tensor = [], inputs[0] if len(inputs) == 1 else None
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if tensor is None or not isinstance(layer, FIXED) or layer.input is not tensor:
            break
        chain.append(layer)
        tensor = layer.output
    return chain


def split(model: keras.Model) -> tuple[keras.Model, keras.Model] | None:
    """``(stage, rest)``: ``rest(stage(x))`` is ``model(x)``, with ``rest`` sharing the model's
    layers and weights; None where the model has no costly fixed stage to compute ahead."""
    chain = fixed_layers(model)
    if not any(isinstance(layer, COSTLY) for layer in chain):
        return None
    end = chain[-1].output
    try:
        rest = keras.Model(end, model.output, name=f"{model.name}_after_input_stage")
    except ValueError:  # something past the stage reads the raw input too
        return None
    return keras.Model(model.inputs, end, name=f"{model.name}_input_stage"), rest


def for_training(model: keras.Model) -> tuple[keras.Model | None, keras.Model]:
    """``(stage, fitted)`` for a compiled ``model``: the stage to compute once (None: none) and
    the model to fit, compiled as ``model`` is, with its optimizer object, so that fitting it
    moves the model's own weights and optimizer state (what a saved model keeps)."""
    parts = split(model)
    if parts is None:
        return None, model
    stage, rest = parts
    rest.compile(
        model.optimizer, loss=model.loss, metrics=["accuracy"], steps_per_execution=model.steps_per_execution
    )
    return stage, rest
