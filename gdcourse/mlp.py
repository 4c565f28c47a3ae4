r"""A multilayer perceptron with softmax cross-entropy, and its backpropagation written out in numpy.

The network of layer sizes :math:`(n_0, n_1, \dots, n_L)` maps a row of
inputs :math:`a^0 = x` to class probabilities:

.. math::

    z^\ell = a^{\ell-1} W^\ell + b^\ell, \qquad a^\ell = \phi(z^\ell) \quad (\ell < L), \qquad
    p = \operatorname{softmax}(z^L)

with :math:`W^\ell` of shape :math:`(n_{\ell-1}, n_\ell)` and φ = tanh or ReLU.
The loss of n examples with labels :math:`y_i` is the mean cross-entropy
:math:`E = -\frac1n \sum_i \log p_{i, y_i}`.  Backpropagation (Rumelhart,
Hinton & Williams 1986) runs the chain rule from the output back:

.. math::

    \delta^L &= \tfrac1n (P - Y) \\
    \frac{\partial E}{\partial W^\ell} &= (a^{\ell-1})^\top \delta^\ell, \qquad
    \frac{\partial E}{\partial b^\ell} = \textstyle\sum_i \delta^\ell_i \\
    \delta^{\ell-1} &= \big(\delta^\ell (W^\ell)^\top\big) \odot \phi'(z^{\ell-1})

where row i of P holds :math:`p` for example i, Y the one-hot labels, and
:math:`\phi'(z) = 1 - \tanh^2 z` (tanh) or :math:`[z > 0]` (ReLU) — both
computed from :math:`a = \phi(z)`, which the forward pass keeps.

All the weights are one flat vector ``w`` — layer by layer, :math:`W^\ell` row
by row, then :math:`b^\ell` — so that any optimizer of the course can train
the network.  ``w`` may carry leading dimensions, ``(..., d)``: B networks
then run on the same examples in one batched matrix product each.
:class:`gdcourse.problems.MLP` is this network on the handwritten digits.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ACTIVATIONS", "n_weights", "unpack", "initial_weights", "forward", "loss", "loss_and_gradient", "predict"]

#: φ and φ' (as a function of a = φ(z)) for each activation.
ACTIVATIONS = {
    "tanh": (np.tanh, lambda a: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0.0), lambda a: a > 0),
}


def check_sizes(sizes) -> tuple:
    sizes = tuple(sizes)
    if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 for n in sizes):
        raise ValueError(f"sizes (the layer sizes, inputs to classes) must be at least two integers >= 1; got {sizes!r}")
    return tuple(int(n) for n in sizes)


def check_activation(activation: str):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}")
    return ACTIVATIONS[activation]


def n_weights(sizes) -> int:
    """The number of weights and biases: :math:`\\sum_\\ell (n_{\\ell-1} + 1)\\, n_\\ell`."""
    sizes = check_sizes(sizes)
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))


def unpack(w: np.ndarray, sizes) -> list:
    """The layers of the flat weights ``w`` (shape ``(..., d)``): a list of views ``(W, b)``.

    ``W`` has shape ``(..., n_in, n_out)`` and ``b`` shape ``(..., n_out)``.
    """
    sizes = check_sizes(sizes)
    if w.shape[-1:] != (n_weights(sizes),):
        raise ValueError(f"w must have shape (..., {n_weights(sizes)}) for layer sizes {sizes}; got {w.shape}")
    lead, layers, start = w.shape[:-1], [], 0
    for n_in, n_out in zip(sizes, sizes[1:]):
        W = w[..., start : start + n_in * n_out].reshape(lead + (n_in, n_out))
        start += n_in * n_out
        b = w[..., start : start + n_out]
        start += n_out
        layers.append((W, b))
    return layers


def initial_weights(sizes, activation: str = "tanh", seed: int = 0) -> np.ndarray:
    r"""Seeded random weights, zero biases: Glorot for tanh, He for ReLU.

    tanh: :math:`W_{jk} \sim U(-\sqrt{6/(n_{\ell-1} + n_\ell)}, +\sqrt{\cdot})`,
    Glorot & Bengio (2010), "Understanding the difficulty of training deep
    feedforward neural networks"; ReLU: :math:`W_{jk} \sim N(0, 2/n_{\ell-1})`,
    He, Zhang, Ren & Sun (2015), "Delving deep into rectifiers".  Both keep the
    size of the signal about the same from layer to layer at the start.
    """
    sizes = check_sizes(sizes)
    check_activation(activation)
    rng = np.random.default_rng(seed)
    parts = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        if activation == "tanh":
            limit = math.sqrt(6 / (n_in + n_out))
            W = rng.uniform(-limit, limit, (n_in, n_out))
        else:
            W = rng.normal(0.0, math.sqrt(2 / n_in), (n_in, n_out))
        parts += [W.ravel(), np.zeros(n_out)]
    return np.concatenate(parts)


def forward(w: np.ndarray, X: np.ndarray, sizes, activation: str = "tanh") -> tuple:
    """The forward pass: ``(a, z_out)`` — the list of activations :math:`a^0 = X, a^1, \\dots, a^{L-1}`
    and the output logits :math:`z^L` (shape ``(..., n, n_L)``)."""
    phi, _ = check_activation(activation)
    layers = unpack(w, sizes)
    a = [X]
    for W, b in layers[:-1]:
        z = a[-1] @ W + b[..., None, :]
        a.append(phi(z))
    W, b = layers[-1]
    return a, a[-1] @ W + b[..., None, :]


def _logsumexp(z: np.ndarray) -> np.ndarray:
    r""":math:`\log \sum_k e^{z_k}` over the classes (the last axis), computed as :math:`m + \log \sum_k e^{z_k - m}`
    with m the largest logit, so that exp cannot overflow."""
    # numpy reduces slowly along a short last axis: the maximum is taken over the first axis of a
    # transposed copy and the sum is a matrix product, several times faster for 10 classes.
    m = np.ascontiguousarray(np.swapaxes(z, -1, -2)).max(axis=-2)
    return m + np.log(np.exp(z - m[..., None]) @ np.ones(z.shape[-1]))


def _true_logits(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:math:`z_{i, y_i}` for every example i; shape ``z.shape[:-1]``."""
    n, k = z.shape[-2:]
    return z.reshape(z.shape[:-2] + (n * k,))[..., np.arange(n) * k + y]


def loss(w: np.ndarray, X: np.ndarray, y: np.ndarray, sizes, activation: str = "tanh") -> np.ndarray:
    r"""The mean cross-entropy :math:`E = \frac1n \sum_i (\log \sum_k e^{z_{ik}} - z_{i y_i})` of the
    examples ``(X, y)``; shape ``w.shape[:-1]``."""
    _, z = forward(w, X, sizes, activation)
    return np.mean(_logsumexp(z) - _true_logits(z, y), axis=-1)


def loss_and_gradient(w: np.ndarray, X: np.ndarray, y: np.ndarray, sizes, activation: str = "tanh") -> tuple:
    """:math:`E` and :math:`\\nabla_w E` (the shape of ``w``), by backpropagation."""
    _, phi_prime = check_activation(activation)
    layers = unpack(w, sizes)
    a, z = forward(w, X, sizes, activation)
    n = len(y)
    lse = _logsumexp(z)
    E = np.mean(lse - _true_logits(z, y), axis=-1)

    delta = np.exp(z - lse[..., None])  # δ^L = (P - Y)/n
    delta[..., np.arange(n), y] -= 1.0
    delta /= n
    L = len(layers)
    grad_W, grad_b = [None] * L, [None] * L
    for ell in range(L - 1, -1, -1):  # index ell is layer ℓ = ell + 1; a[ell] is a^{ℓ-1}
        W, _ = layers[ell]
        grad_W[ell] = np.swapaxes(a[ell], -1, -2) @ delta  # ∂E/∂W^ℓ = (a^{ℓ-1})ᵀ δ^ℓ
        grad_b[ell] = delta.sum(axis=-2)  # ∂E/∂b^ℓ = Σ_i δ^ℓ_i
        if ell > 0:
            delta = (delta @ np.swapaxes(W, -1, -2)) * phi_prime(a[ell])  # δ^{ℓ-1}
    lead = w.shape[:-1]
    flat = [part for ell in range(L) for part in (grad_W[ell].reshape(lead + (-1,)), grad_b[ell])]
    return E, np.concatenate(flat, axis=-1)


def predict(w: np.ndarray, X: np.ndarray, sizes, activation: str = "tanh") -> np.ndarray:
    """The most probable class of each row of ``X``; shape ``w.shape[:-1] + (n,)``."""
    _, z = forward(w, X, sizes, activation)
    return np.argmax(z, axis=-1)
