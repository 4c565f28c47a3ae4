"""gdcourse.exercises: correct code passes in any style; every catalogued mistake is named; nothing fails open.

The buggy implementations below are written the way a student would write them, independently of the
catalogue in gdcourse/exercises/*.py, so a wrong catalogue entry cannot make its own test pass.
"""

import os
import re
import textwrap
import threading
import time

import numpy as np
import pytest

from gdcourse import exercises
from gdcourse.exercises import EXERCISES, check, hint, solution


def define(source: str):
    namespace = {"np": np, "numpy": np}
    exec(textwrap.dedent(source), namespace)
    return next(v for k, v in namespace.items() if callable(v) and k.endswith("_step"))


# ------------------------------------------------------------------ correct code

CORRECT = {
    "momentum_step": [
        """
        def momentum_step(w, dw, grad, eta, alpha):
            dw_new = alpha * dw - eta * grad
            w_new = w + dw_new
            return w_new, dw_new
        """,
        """
        def momentum_step(w, dw, grad, eta, alpha):      # in place, on copies
            dw_new = dw.copy()
            dw_new *= alpha
            dw_new -= eta * grad
            w_new = w.copy()
            w_new += dw_new
            return w_new, dw_new
        """,
        """
        def momentum_step(w, dw, grad, eta, alpha):      # computed in float32
            w32, dw32, g32 = (np.asarray(a, dtype=np.float32) for a in (w, dw, grad))
            dw_new = np.float32(alpha) * dw32 - np.float32(eta) * g32
            return w32 + dw_new, dw_new
        """,
        """
        def momentum_step(w, dw, grad, eta, alpha):      # the notes' third line, other order
            w_new = w - eta * grad + alpha * dw
            return w_new, w_new - w
        """,
    ],
    "adagrad_step": [
        """
        def adagrad_step(w, G, grad, eta, eps):
            G_new = G + grad * grad
            return w - grad * eta / (eps + G_new ** 0.5), G_new
        """,
        """
        def adagrad_step(w, G, grad, eta, eps):          # element by element
            G_new, w_new = np.empty_like(G), np.empty_like(w)
            for i in np.ndindex(w.shape):
                G_new[i] = G[i] + grad[i] ** 2
                w_new[i] = w[i] - eta * grad[i] / (np.sqrt(G_new[i]) + eps)
            return w_new, G_new
        """,
        """
        def adagrad_step(w, G, grad, eta, eps):          # float32, in place on copies
            G_new = G.astype(np.float32)
            G_new += np.square(grad.astype(np.float32))
            w_new = w.astype(np.float32)
            w_new -= np.float32(eta) * grad.astype(np.float32) / (np.sqrt(G_new) + np.float32(eps))
            return w_new, G_new
        """,
    ],
    "rmsprop_step": [
        """
        def rmsprop_step(w, Eg2, grad, eta, gamma, eps):
            Eg2_new = gamma * Eg2 + (1 - gamma) * grad**2
            return w - eta * grad / (np.sqrt(Eg2_new) + eps), Eg2_new
        """,
        """
        def rmsprop_step(w, Eg2, grad, eta, gamma, eps):   # the average as an interpolation
            Eg2_new = Eg2 + (1 - gamma) * (grad**2 - Eg2)
            step = eta / (np.sqrt(Eg2_new) + eps)
            return np.subtract(w, step * grad), Eg2_new
        """,
        """
        def rmsprop_step(w, Eg2, grad, eta, gamma, eps):   # float32
            E = np.float32(gamma) * Eg2.astype(np.float32) + np.float32(1 - gamma) * grad.astype(np.float32) ** 2
            return (w - eta * grad / (np.sqrt(E) + eps)).astype(np.float32), E
        """,
    ],
    "adam_step": [
        """
        def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps):
            m_new = beta1 * m + (1 - beta1) * grad
            v_new = beta2 * v + (1 - beta2) * grad**2
            m_hat = m_new / (1 - beta1**r)
            v_hat = v_new / (1 - beta2**r)
            return w - eta * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
        """,
        """
        def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps):   # PyTorch's arrangement
            m_new = m + (1 - beta1) * (grad - m)
            v_new = v * beta2 + grad * grad * (1 - beta2)
            step_size = eta / (1 - beta1**r)
            denom = np.sqrt(v_new) / np.sqrt(1 - beta2**r) + eps
            return w - step_size * m_new / denom, m_new, v_new
        """,
        """
        def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps):   # in place on copies, float32
            m_new, v_new, w_new = (a.astype(np.float32) for a in (m, v, w))
            g = grad.astype(np.float32)
            m_new *= beta1; m_new += (1 - beta1) * g
            v_new *= beta2; v_new += (1 - beta2) * g * g
            w_new -= eta * (m_new / (1 - beta1**r)) / (np.sqrt(v_new / (1 - beta2**r)) + eps)
            return w_new, m_new, v_new
        """,
    ],
    "nesterov_step": [
        """
        def nesterov_step(w, dw, grad, eta, alpha):
            dw_new = alpha * dw - eta * grad
            return w + alpha * dw_new - eta * grad, dw_new
        """,
        """
        def nesterov_step(w, dw, grad, eta, alpha):      # expanded: α²Δw − (1 + α)ηg
            w_new = w + alpha**2 * dw - (1 + alpha) * eta * grad
            return w_new, alpha * dw - eta * grad
        """,
        """
        def nesterov_step(w, dw, grad, eta, alpha):      # through PyTorch's buffer, b = -dw/eta
            b = alpha * (-dw / eta) + grad
            return w - eta * (grad + alpha * b), -eta * b
        """,
        """
        def nesterov_step(w, dw, grad, eta, alpha):      # float32
            dw32 = np.float32(alpha) * dw.astype(np.float32) - np.float32(eta) * grad.astype(np.float32)
            return (w + alpha * dw32 - eta * grad).astype(np.float32), dw32
        """,
    ],
    "adadelta_step": [
        """
        def adadelta_step(w, Eg2, Edw2, grad, eta, rho, eps):
            Eg2_new = rho * Eg2 + (1 - rho) * grad**2
            dw = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2_new + eps) * grad
            Edw2_new = rho * Edw2 + (1 - rho) * dw**2
            return w + eta * dw, Eg2_new, Edw2_new
        """,
        """
        def adadelta_step(w, Eg2, Edw2, grad, eta, rho, eps):   # RMS helpers, as in Zeiler's paper
            rms = lambda E: np.sqrt(E + eps)
            Eg2_new = Eg2 + (1 - rho) * (grad * grad - Eg2)
            update = -(rms(Edw2) / rms(Eg2_new)) * grad
            return np.add(w, eta * update), Eg2_new, Edw2 * rho + (1 - rho) * np.square(update)
        """,
        """
        def adadelta_step(w, Eg2, Edw2, grad, eta, rho, eps):   # in place on copies, one root
            E, D, w_new = Eg2.copy(), Edw2.copy(), w.copy()
            E *= rho; E += (1 - rho) * grad**2
            step = -np.sqrt((D + eps) / (E + eps)) * grad
            D *= rho; D += (1 - rho) * step**2
            w_new += eta * step
            return w_new, E, D
        """,
    ],
    "adamw_step": [
        """
        def adamw_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
            m_new = beta1 * m + (1 - beta1) * grad
            v_new = beta2 * v + (1 - beta2) * grad**2
            m_hat, v_hat = m_new / (1 - beta1**r), v_new / (1 - beta2**r)
            return w - eta * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * w), m_new, v_new
        """,
        """
        def adamw_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):   # PyTorch's order: decay first
            w_decayed = w * (1 - eta * weight_decay)
            m_new = m + (1 - beta1) * (grad - m)
            v_new = v * beta2 + (1 - beta2) * grad * grad
            denom = np.sqrt(v_new) / np.sqrt(1 - beta2**r) + eps
            return w_decayed - (eta / (1 - beta1**r)) * m_new / denom, m_new, v_new
        """,
        """
        def adamw_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):   # float32
            f = np.float32
            m_new = f(beta1) * m.astype(f) + f(1 - beta1) * grad.astype(f)
            v_new = f(beta2) * v.astype(f) + f(1 - beta2) * grad.astype(f) ** 2
            step = (m_new / f(1 - beta1**r)) / (np.sqrt(v_new / f(1 - beta2**r)) + f(eps))
            return (w.astype(f) - f(eta) * (step + f(weight_decay) * w.astype(f))), m_new, v_new
        """,
    ],
    "amsgrad_step": [
        """
        def amsgrad_step(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
            m_new = beta1 * m + (1 - beta1) * grad
            v_new = beta2 * v + (1 - beta2) * grad**2
            v_max_new = np.maximum(v_max, v_new)
            m_hat, v_hat = m_new / (1 - beta1**r), v_max_new / (1 - beta2**r)
            return w - eta * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new, v_max_new
        """,
        """
        def amsgrad_step(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):   # np.where for the maximum
            m_new = m * beta1 + grad * (1 - beta1)
            v_new = v * beta2 + grad * grad * (1 - beta2)
            v_max_new = np.where(v_new > v_max, v_new, v_max)
            denom = np.sqrt(v_max_new) / np.sqrt(1 - beta2**r) + eps
            return w - (eta / (1 - beta1**r)) * m_new / denom, m_new, v_new, v_max_new
        """,
        """
        def amsgrad_step(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):   # element by element
            outputs = [np.empty_like(w) for _ in range(4)]
            for i in np.ndindex(w.shape):
                m_i = beta1 * m[i] + (1 - beta1) * grad[i]
                v_i = beta2 * v[i] + (1 - beta2) * grad[i] ** 2
                top = max(v_max[i], v_i)
                step = eta * (m_i / (1 - beta1**r)) / ((top / (1 - beta2**r)) ** 0.5 + eps)
                for out, value in zip(outputs, (w[i] - step, m_i, v_i, top)):
                    out[i] = value
            return tuple(outputs)
        """,
    ],
    "warmup_cosine_step": [
        """
        def warmup_cosine_step(w, dw, grad, r, eta, alpha, warmup, total):
            t = r - 1
            if t < warmup:
                eta_r = eta * t / warmup
            else:
                eta_r = 0.5 * eta * (1 + np.cos(np.pi * (t - warmup) / (total - warmup)))
            dw_new = alpha * dw - eta_r * grad
            return w + dw_new, dw_new
        """,
        """
        import math

        def warmup_cosine_step(w, dw, grad, r, eta, alpha, warmup, total):   # math, and min() for the warm-up
            t = r - 1
            progress = max(0.0, (t - warmup) / (total - warmup))
            cosine = 0.5 * (1 + math.cos(math.pi * progress))
            eta_r = eta * (min(1.0, t / warmup) if t < warmup else cosine)
            dw_new = alpha * dw - eta_r * grad
            return w + dw_new, dw_new
        """,
        """
        def warmup_cosine_step(w, dw, grad, r, eta, alpha, warmup, total):   # cos² form: ½(1 + cos x) = cos²(x/2)
            t = r - 1
            eta_r = eta * t / warmup if t < warmup else eta * np.cos(0.5 * np.pi * (t - warmup) / (total - warmup)) ** 2
            w_new = w + alpha * dw - eta_r * grad
            return w_new, w_new - w
        """,
    ],
}


@pytest.mark.parametrize("name, index", [(n, i) for n, sources in CORRECT.items() for i in range(len(sources))])
def test_correct_implementations_in_any_style_pass(name, index):
    result = check(name, define(CORRECT[name][index]))
    assert result.passed, result.message
    assert result.mistake is None and bool(result)


def test_the_model_solutions_pass():
    for name, exercise in EXERCISES.items():
        assert check(name, define(exercise.solution)).passed, name


# ---------------------------------------------------------------------- mistakes

MISTAKES = {
    "momentum_step": {
        "sign": "dw_new = alpha * dw + eta * grad; return w + dw_new, dw_new",
        "old-dw": "dw_new = alpha * dw - eta * grad; return w + dw, dw_new",
        "no-alpha": "dw_new = dw - eta * grad; return w + dw_new, dw_new",
        "no-momentum": "dw_new = -eta * grad; return w + dw_new, dw_new",
        "average": "dw_new = alpha * dw - (1 - alpha) * eta * grad; return w + dw_new, dw_new",
        "ema-of-gradients": "m = alpha * dw + (1 - alpha) * grad; return w - eta * m, m",
        "buffer": "b = alpha * dw + grad; return w - eta * b, b",
        "weight-sign": "dw_new = alpha * dw - eta * grad; return w - dw_new, dw_new",
    },
    "adagrad_step": {
        "not-squared": "G_new = G + grad; return w - eta * grad / (np.sqrt(G_new) + eps), G_new",
        "abs": "G_new = G + abs(grad); return w - eta * grad / (np.sqrt(G_new) + eps), G_new",
        "not-accumulated": "G_new = grad**2; return w - eta * grad / (np.sqrt(G_new) + eps), G_new",
        "stale-G": "return w - eta * grad / (np.sqrt(G + grad**2) + eps), G.copy()",
        "eps-inside": "G_new = G + grad**2; return w - eta * grad / np.sqrt(G_new + eps), G_new",
        "old-G": "return w - eta * grad / (np.sqrt(G) + eps), G + grad**2",
        "no-sqrt": "G_new = G + grad**2; return w - eta * grad / (G_new + eps), G_new",
        "sign": "G_new = G + grad**2; return w + eta * grad / (np.sqrt(G_new) + eps), G_new",
    },
    "rmsprop_step": {
        "swapped": "E = (1 - gamma) * Eg2 + gamma * grad**2; return w - eta * grad / (np.sqrt(E) + eps), E",
        "sum": "E = Eg2 + grad**2; return w - eta * grad / (np.sqrt(E) + eps), E",
        "no-one-minus-gamma": "E = gamma * Eg2 + grad**2; return w - eta * grad / (np.sqrt(E) + eps), E",
        "eps-inside": "E = gamma * Eg2 + (1 - gamma) * grad**2; return w - eta * grad / np.sqrt(E + eps), E",
        "not-squared": "E = gamma * Eg2 + (1 - gamma) * grad; return w - eta * grad / (np.sqrt(E) + eps), E",
        "old-average": "E = gamma * Eg2 + (1 - gamma) * grad**2; return w - eta * grad / (np.sqrt(Eg2) + eps), E",
        "no-sqrt": "E = gamma * Eg2 + (1 - gamma) * grad**2; return w - eta * grad / (E + eps), E",
        "sign": "E = gamma * Eg2 + (1 - gamma) * grad**2; return w + eta * grad / (np.sqrt(E) + eps), E",
    },
    "adam_step": {
        "no-bias-correction": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*m/(np.sqrt(v)+eps), m, v",
        "only-m-corrected": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r))/(np.sqrt(v)+eps), m, v",
        "only-v-corrected": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*m/(np.sqrt(v/(1-beta2**r))+eps), m, v",
        "r-plus-one": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; t = r + 1; return w - eta*(m/(1-beta1**t))/(np.sqrt(v/(1-beta2**t))+eps), m, v",
        "r-minus-one": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; t = r - 1; return w - eta*(m/(1-beta1**t))/(np.sqrt(v/(1-beta2**t))+eps), m, v",
        "beta-not-powered": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1))/(np.sqrt(v/(1-beta2))+eps), m, v",
        "corrected-state": "m = (beta1*m + (1-beta1)*grad)/(1-beta1**r); v = (beta2*v + (1-beta2)*grad**2)/(1-beta2**r); return w - eta*m/(np.sqrt(v)+eps), m, v",
        "betas-swapped": "m = beta2*m + (1-beta2)*grad; v = beta1*v + (1-beta1)*grad**2; return w - eta*(m/(1-beta2**r))/(np.sqrt(v/(1-beta1**r))+eps), m, v",
        "eps-inside": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r))/np.sqrt(v/(1-beta2**r)+eps), m, v",
        "eps-hat": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; a = eta*np.sqrt(1-beta2**r)/(1-beta1**r); return w - a*m/(np.sqrt(v)+eps), m, v",
        "v-not-squared": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad; return w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps), m, v",
        "sign": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w + eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps), m, v",
    },
    "nesterov_step": {
        "momentum": "d = alpha * dw - eta * grad; return w + d, d",
        "no-gradient-term": "d = alpha * dw - eta * grad; return w + alpha * d, d",
        "step-as-state": "w_new = w + alpha * (alpha * dw - eta * grad) - eta * grad; return w_new, w_new - w",
        "buffer": "b = alpha * dw + grad; return w - eta * grad - eta * alpha * b, b",
        "no-alpha": "d = dw - eta * grad; return w + alpha * d - eta * grad, d",
        "sign": "d = alpha * dw + eta * grad; return w + alpha * d + eta * grad, d",
    },
    "adadelta_step": {
        "old-Eg2": "d = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2 + eps) * grad; return w + eta * d, rho*Eg2 + (1-rho)*grad**2, rho*Edw2 + (1-rho)*d**2",
        "stale-Edw2": "E = rho*Eg2 + (1-rho)*grad**2; d = -np.sqrt(Edw2 + eps) / np.sqrt(E + eps) * grad; return w + eta * d, E, Edw2 + 0",
        "eps-outside": "E = rho*Eg2 + (1-rho)*grad**2; d = -(np.sqrt(Edw2) + eps) / (np.sqrt(E) + eps) * grad; return w + eta * d, E, rho*Edw2 + (1-rho)*d**2",
        "no-eps-on-top": "E = rho*Eg2 + (1-rho)*grad**2; d = -np.sqrt(Edw2) / np.sqrt(E + eps) * grad; return w + eta * d, E, rho*Edw2 + (1-rho)*d**2",
        "ratio-inverted": "E = rho*Eg2 + (1-rho)*grad**2; d = -np.sqrt(E + eps) / np.sqrt(Edw2 + eps) * grad; return w + eta * d, E, rho*Edw2 + (1-rho)*d**2",
        "eta-in-average": "E = rho*Eg2 + (1-rho)*grad**2; s = -eta * np.sqrt(Edw2 + eps) / np.sqrt(E + eps) * grad; return w + s, E, rho*Edw2 + (1-rho)*s**2",
        "rmsprop": "E = rho*Eg2 + (1-rho)*grad**2; d = -grad / np.sqrt(E + eps); return w + eta * d, E, rho*Edw2 + (1-rho)*d**2",
        "not-squared": "E = rho*Eg2 + (1-rho)*abs(grad); d = -np.sqrt(Edw2 + eps) / np.sqrt(E + eps) * grad; return w + eta * d, E, rho*Edw2 + (1-rho)*abs(d)",
        "sign": "E = rho*Eg2 + (1-rho)*grad**2; d = np.sqrt(Edw2 + eps) / np.sqrt(E + eps) * grad; return w + eta * d, E, rho*Edw2 + (1-rho)*d**2",
    },
    "adamw_step": {
        "l2": "g = grad + weight_decay * w; m = beta1*m + (1-beta1)*g; v = beta2*v + (1-beta2)*g**2; return w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps), m, v",
        "decay-not-scaled": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps) - weight_decay*w, m, v",
        "decay-after-step": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; w = w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps); return w - eta*weight_decay*w, m, v",
        "decay-divided": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r) + weight_decay*w)/(np.sqrt(v/(1-beta2**r))+eps), m, v",
        "no-decay": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps), m, v",
        "decay-sign": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps) + eta*weight_decay*w, m, v",
        "no-bias-correction": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(np.sqrt(v)+eps) + weight_decay*w), m, v",
        "eps-inside": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*((m/(1-beta1**r))/np.sqrt(v/(1-beta2**r)+eps) + weight_decay*w), m, v",
    },
    "amsgrad_step": {
        "adam": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps), m, v, np.maximum(v_max, v)",
        "max-of-corrected": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; M = np.maximum(v_max, v/(1-beta2**r)); return w - eta*(m/(1-beta1**r))/(np.sqrt(M)+eps), m, v, M",
        "max-of-squared-gradients": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; M = np.maximum(v_max, grad**2); return w - eta*(m/(1-beta1**r))/(np.sqrt(M/(1-beta2**r))+eps), m, v, M",
        "average-of-the-maximum": "m = beta1*m + (1-beta1)*grad; v = np.maximum(v_max, beta2*v + (1-beta2)*grad**2); return w - eta*(m/(1-beta1**r))/(np.sqrt(v/(1-beta2**r))+eps), m, v, v",
        "no-correction-of-the-maximum": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; M = np.maximum(v_max, v); return w - eta*(m/(1-beta1**r))/(np.sqrt(M)+eps), m, v, M",
        "stale-maximum": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; M = np.maximum(v_max, v); return w - eta*(m/(1-beta1**r))/(np.sqrt(M/(1-beta2**r))+eps), m, v, v_max + 0",
        "max-of-the-old-v": "M = np.maximum(v_max, v); m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; return w - eta*(m/(1-beta1**r))/(np.sqrt(M/(1-beta2**r))+eps), m, v, M",
        "minimum": "m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; M = np.minimum(v_max, v); return w - eta*(m/(1-beta1**r))/(np.sqrt(M/(1-beta2**r))+eps), m, v, M",
    },
    "warmup_cosine_step": {
        "warmup-uses-r": "t = r - 1; e = eta * r / warmup if t < warmup else 0.5 * eta * (1 + np.cos(np.pi * (t - warmup) / (total - warmup))); d = alpha * dw - e * grad; return w + d, d",
        "cosine-not-shifted": "t = r - 1; e = eta * t / warmup if t < warmup else 0.5 * eta * (1 + np.cos(np.pi * t / (total - warmup))); d = alpha * dw - e * grad; return w + d, d",
        "cosine-over-total": "t = r - 1; e = eta * t / warmup if t < warmup else 0.5 * eta * (1 + np.cos(np.pi * (t - warmup) / total)); d = alpha * dw - e * grad; return w + d, d",
        "no-half-one-plus": "t = r - 1; e = eta * t / warmup if t < warmup else eta * np.cos(np.pi * (t - warmup) / (total - warmup)); d = alpha * dw - e * grad; return w + d, d",
        "no-warmup": "e = 0.5 * eta * (1 + np.cos(np.pi * (r - 1) / total)); d = alpha * dw - e * grad; return w + d, d",
        "constant-eta": "d = alpha * dw - eta * grad; return w + d, d",
        "buffer": "t = r - 1; e = eta * t / warmup if t < warmup else 0.5 * eta * (1 + np.cos(np.pi * (t - warmup) / (total - warmup))); b = alpha * dw + grad; return w - e * b, b",
        "velocity-rescaled": "rate = lambda t: eta * t / warmup if t < warmup else 0.5 * eta * (1 + np.cos(np.pi * (t - warmup) / (total - warmup))); "
                             "before = rate(r - 2) if r > 1 else 0.0; k = rate(r - 1) / before if before > 0 else 1.0; "
                             "d = alpha * k * dw - rate(r - 1) * grad; return w + d, d",
    },
}

SIGNATURES = {
    "momentum_step": "momentum_step(w, dw, grad, eta, alpha)",
    "adagrad_step": "adagrad_step(w, G, grad, eta, eps)",
    "rmsprop_step": "rmsprop_step(w, Eg2, grad, eta, gamma, eps)",
    "adam_step": "adam_step(w, m, v, grad, r, eta, beta1, beta2, eps)",
    "nesterov_step": "nesterov_step(w, dw, grad, eta, alpha)",
    "adadelta_step": "adadelta_step(w, Eg2, Edw2, grad, eta, rho, eps)",
    "adamw_step": "adamw_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay)",
    "amsgrad_step": "amsgrad_step(w, m, v, v_max, grad, r, eta, beta1, beta2, eps)",
    "warmup_cosine_step": "warmup_cosine_step(w, dw, grad, r, eta, alpha, warmup, total)",
}

REQUIRED = {  # the list, which the catalogue must cover at least
    "momentum_step": {"sign", "old-dw", "no-alpha", "average"},
    "adagrad_step": {"not-squared", "not-accumulated", "eps-inside", "old-G", "no-sqrt"},
    "rmsprop_step": {"swapped", "sum", "eps-inside", "not-squared"},
    "adam_step": {"no-bias-correction", "r-plus-one", "r-minus-one", "corrected-state", "betas-swapped", "eps-inside", "v-not-squared"},
    # issue 12: at least four typical mistakes for each new exercise
    "nesterov_step": {"momentum", "no-gradient-term", "step-as-state", "buffer"},
    "adadelta_step": {"old-Eg2", "no-eps-on-top", "ratio-inverted", "rmsprop"},
    "adamw_step": {"l2", "decay-not-scaled", "decay-after-step", "no-decay"},
    "amsgrad_step": {"adam", "max-of-corrected", "no-correction-of-the-maximum", "stale-maximum"},
    "warmup_cosine_step": {"warmup-uses-r", "cosine-not-shifted", "cosine-over-total", "buffer"},
}


def buggy(name, body):
    lines = "\n".join("    " + part.strip() for part in body.split(";"))
    return define(f"def {SIGNATURES[name]}:\n{lines}\n")


def test_every_catalogued_mistake_has_a_test_and_the_required_ones_exist():
    for name, exercise in EXERCISES.items():
        keys = {m.key for m in exercise.mistakes}
        assert keys == set(MISTAKES[name]), name
        assert REQUIRED[name] <= keys, name


@pytest.mark.parametrize("name, key", [(n, k) for n, bugs in MISTAKES.items() for k in bugs])
def test_each_mistake_fails_with_its_diagnosis(name, key):
    result = check(name, buggy(name, MISTAKES[name][key]))
    assert not result.passed
    assert result.mistake == key, result.message
    assert "chapter" in result.message  # points to the equation
    assert not re.search(r"\d\.\d{4,}", result.message), "messages never reveal expected values"


# ---------------------------------------------------------------- never fails open

GOOD = define(CORRECT["momentum_step"][0])


@pytest.mark.parametrize(
    "body, expected",
    [
        ("raise ValueError('oops')", "raised ValueError: oops at step 1"),
        ("raise NotImplementedError", "not written yet"),
        ("dw_new = alpha * dw - eta * grad", "returned None"),
        ("return w + alpha * dw - eta * grad", "returned a ndarray, expected a tuple of 2 arrays"),
        ("d = alpha * dw - eta * grad; return w + d, d, d", "returned 3 values, expected 2"),
        ("d = alpha * dw - eta * grad; return (w + d).tolist(), d", "w_new is a list, not a numpy array"),
        ("d = alpha * dw - eta * grad; return (w + d).ravel(), d.ravel()", "w_new has shape (12,) but the inputs have shape (3, 4)"),
        ("d = alpha * dw - eta * grad; return d, w + d", "wrong order"),
        ("d = alpha * dw - eta * grad; return (w + d) * np.nan, d", "NaN"),
        ("dw *= alpha; dw -= eta * grad; return w + dw, dw", "changed its input(s) dw in place"),
        ("w += alpha * dw - eta * grad; return w, alpha * dw - eta * grad", "changed its input(s) w in place"),
        ("d = alpha * dw - eta * grad; return w + d, str(d)", "dw_new is a str"),
        ("d = alpha * dw - eta * grad; return w + d, d.astype(complex)", "not a real number type"),
        ("d = alpha * dw - eta * grad; return w + d + 1e-3, d", "w_new is wrong at step 1"),
    ],
)
def test_wrong_returns_fail_with_a_plain_message(body, expected):
    result = check("momentum_step", buggy("momentum_step", body))
    assert not result.passed
    assert expected in result.message, result.message


def test_not_a_function():
    result = check("adam_step", 42)
    assert not result.passed and "not a function" in result.message


def test_a_hanging_function_fails_quickly():
    def momentum_step(w, dw, grad, eta, alpha):
        while True:
            pass

    threads_before = threading.active_count()
    start = time.monotonic()
    result = check("momentum_step", momentum_step, timeout=1.0)
    assert time.monotonic() - start < 10
    assert not result.passed and "did not return within 1 s" in result.message
    # it ran in a child process, which was killed: nothing is left spinning here
    assert threading.active_count() == threads_before
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


class Endless(np.ndarray):
    """An array whose every question never returns."""

    def __len__(self):
        while True:
            pass

    @property
    def dtype(self):
        while True:
            pass


class EndlessFloat:
    def __float__(self):
        while True:
            pass

    def __len__(self):
        while True:
            pass

    def __iter__(self):
        while True:
            pass


@pytest.mark.parametrize(
    "function, expected",
    [
        (lambda w, dw, grad, eta, alpha: (w.view(Endless), dw.view(Endless)), "did not return within 1 s"),
        (lambda w, dw, grad, eta, alpha: EndlessFloat(), "returned a EndlessFloat"),
        (lambda w, dw, grad, eta, alpha: (EndlessFloat(), EndlessFloat()), "w_new is a EndlessFloat"),
        (lambda w, dw, grad, eta, alpha: __import__("os")._exit(0), "ended the process that ran it"),
        (lambda w, dw, grad, eta, alpha: (__import__("signal").signal(2, 1), [0 for _ in iter(int, 1)]), "did not return within 1 s"),
    ],
    ids=["endless-dtype", "endless-float", "endless-items", "exits", "ignores-sigint"],
)
def test_check_always_answers_and_never_touches_what_the_function_returns(function, expected):
    start = time.monotonic()
    result = check("momentum_step", function, timeout=1.0)
    assert time.monotonic() - start < 10
    assert not result.passed and expected in result.message, result.message


def test_a_slow_function_is_stopped_by_the_checks_budget():
    def momentum_step(w, dw, grad, eta, alpha):
        time.sleep(0.9)
        return w + alpha * dw - eta * grad, alpha * dw - eta * grad

    start = time.monotonic()
    result = check("momentum_step", momentum_step, timeout=1.0)
    assert time.monotonic() - start < 11
    assert not result.passed and "when the time for all the tests ran out" in result.message


def test_a_function_that_calls_into_gdcourse_fails_with_a_message_that_says_so():
    import types

    import gdcourse
    from gdcourse.exercises import momentum

    def wrapper(w, dw, grad, eta, alpha):
        optimizer = gdcourse.Momentum(eta=eta, alpha=alpha)
        optimizer.dw = dw.copy()
        return optimizer.step(w, grad), optimizer.dw

    copy = types.FunctionType(momentum.reference.__code__, {"Momentum": gdcourse.Momentum})
    for function, where in ((wrapper, "gdcourse.optimizers.Momentum.__init__"), (momentum.reference, "gdcourse.exercises.momentum.reference"),
                            (copy, "reference")):
        result = check("momentum_step", function)
        assert not result.passed and result.mistake == "borrowed"
        assert "calls into gdcourse" in result.message and where in result.message
    assert gdcourse.Momentum(eta=0.1).step(np.ones(2), np.ones(2)).tolist() == [0.9, 0.9]  # the package is untouched here


def test_fresh_inputs_follow_the_fixed_ones_and_change_with_the_seed():
    exercise = EXERCISES["adam_step"]
    first, second = exercise.grading_scenarios(1), exercise.grading_scenarios(2)
    fixed = exercise.scenarios()
    assert [s.name for s in first[: len(fixed)]] == [s.name for s in fixed]
    assert [s.name for s in first[len(fixed):]] == [f"{s.name}, fresh inputs" for s in fixed]
    assert all(np.array_equal(a.grads, b.grads) for a, b in zip(first[: len(fixed)], fixed))
    assert not np.array_equal(first[-1].grads, second[-1].grads)
    assert first[-1].hyper == fixed[-1].hyper and first[-1].r0 == fixed[-1].r0


def test_objects_with_tricked_comparisons_cannot_pass():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(self), dtype=bool)

        def __sub__(self, other):
            return np.zeros(np.shape(self))

        __rsub__ = __sub__

        def __abs__(self):
            return np.zeros(np.shape(self))

    def momentum_step(w, dw, grad, eta, alpha):
        return np.zeros_like(w).view(Liar), np.zeros_like(dw).view(Liar)

    result = check("momentum_step", momentum_step)
    assert not result.passed


def test_patching_numpy_comparisons_cannot_make_a_wrong_function_pass(monkeypatch):
    always = lambda *args, **kwargs: True  # noqa: E731
    for name in ("allclose", "array_equal", "array_equiv"):
        monkeypatch.setattr(np, name, always)
    monkeypatch.setattr(np, "isclose", lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool))
    monkeypatch.setattr(np, "isfinite", lambda a, *args, **kwargs: np.ones(np.shape(a), dtype=bool))
    monkeypatch.setattr(np, "abs", lambda a, *args, **kwargs: np.zeros(np.shape(a)))
    monkeypatch.setattr(np.testing, "assert_allclose", lambda *args, **kwargs: None)

    def momentum_step(w, dw, grad, eta, alpha):
        return np.zeros_like(w), np.zeros_like(dw)

    assert not check("momentum_step", momentum_step).passed
    assert check("momentum_step", GOOD).passed


def test_nan_never_passes():
    def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps):
        nan = np.full_like(w, np.nan)
        return nan, nan.copy(), nan.copy()

    result = check("adam_step", adam_step)
    assert not result.passed and "NaN" in result.message


# ------------------------------------------------------------------ hints, display


def test_hints_are_progressive_and_end_with_the_solution_pointer():
    for name, exercise in EXERCISES.items():
        texts = [hint(name, level).data for level in range(1, len(exercise.hints) + 2)]
        assert len(set(texts[:-1])) == len(exercise.hints)
        assert "solution(" in texts[-2] and texts[-1] == texts[-2]
    with pytest.raises(ValueError, match="level must be an integer >= 1"):
        hint("adam_step", 0)


def test_solution_is_code_that_passes():
    text = solution("rmsprop_step").data
    assert text.startswith("```python\ndef rmsprop_step(")
    code = text.removeprefix("```python\n").rstrip().removesuffix("```")
    assert check("rmsprop_step", define(code)).passed


def test_unknown_exercise_name():
    with pytest.raises(ValueError, match=re.escape(f"name must be one of {list(EXERCISES)}; got 'sgd_step'")):
        check("sgd_step", GOOD)


def test_result_renders_as_a_box_in_jupyter_and_as_text_in_python():
    passed = check("momentum_step", GOOD)
    failed = check("momentum_step", buggy("momentum_step", MISTAKES["momentum_step"]["sign"]))
    assert str(passed).startswith("PASSED momentum_step:") and str(failed).startswith("FAILED momentum_step:")
    assert "✔" in passed._repr_html_() and "✘" in failed._repr_html_()
    assert "<script" not in failed._repr_html_()


def test_the_catalogue_is_exposed():
    assert list(exercises.EXERCISES) == ["momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "adam_step",
                                         "adadelta_step", "adamw_step", "amsgrad_step", "warmup_cosine_step"]


# ------------------------------------------------------------- release of the new exercises

NEW = ["nesterov_step", "adadelta_step", "adamw_step", "amsgrad_step", "warmup_cosine_step"]


@pytest.mark.parametrize("name", NEW)
def test_release_turns_each_new_solution_into_a_stub_that_the_checker_recognises(name):
    import nbformat

    from gdcourse import grading

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(EXERCISES[name].solution)
    cell.metadata["tags"] = ["solution"]
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np"), cell, nbformat.v4.new_code_cell(f"check({name!r}, {name})")]
    student = grading.student_version(nb, "chapter.ipynb")
    stub = student.cells[1].source
    assert stub.startswith(f"def {SIGNATURES[name]}:") and "raise NotImplementedError" in stub
    assert not set(EXERCISES[name].solution.splitlines()[1:]) & set(stub.splitlines())
    result = check(name, define(stub))
    assert not result.passed and "is not written yet" in result.message


@pytest.mark.parametrize("name", NEW)
def test_new_exercises_give_the_inputs_the_statement_promises(name):
    exercise = EXERCISES[name]
    assert f"{name}({', '.join(exercise.inputs)})" == SIGNATURES[name]
    assert exercise.labels == tuple(f"{o}_new" for o in exercise.outputs)
    scenarios = exercise.scenarios()
    assert len(scenarios) >= 3 and len({s.state[exercise.outputs[0]].shape for s in scenarios}) >= 3  # several shapes
    assert any(s.r0 > 1 for s in scenarios) or "r" not in exercise.inputs  # a later step, where r matters


@pytest.mark.parametrize("name", list(EXERCISES))
def test_every_mistake_changes_the_result_whatever_the_seed_of_the_inputs(name):
    # The grader may draw the inputs from a secret seed: each mistake must still differ from the
    # reference, and no two mistakes may coincide (the checker would name the wrong one).
    from gdcourse.exercises.judge import _close_or_both_nan, _matches, close

    exercise = EXERCISES[name]
    for seed in range(10):
        scenarios = exercise.make_scenarios(np.random.default_rng(seed))
        reference = [exercise.trajectory(exercise.reference, s) for s in scenarios]
        paths = {m.key: [exercise.trajectory(m.step, s) for s in scenarios] for m in exercise.mistakes}
        for key, path in paths.items():
            assert not all(_matches(p, r, close) for p, r in zip(path, reference)), (seed, key)
        keys = list(paths)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                assert not all(_matches(x, y, _close_or_both_nan) for x, y in zip(paths[a], paths[b])), (seed, a, b)


def test_without_fork_the_check_still_answers(monkeypatch):
    monkeypatch.delattr(os, "fork")
    assert check("momentum_step", GOOD).passed
    result = check("momentum_step", buggy("momentum_step", MISTAKES["momentum_step"]["sign"]))
    assert result.mistake == "sign"


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("passed", [True, False])
def test_the_checkers_box_reads_at_4_5_to_1_in_light_and_dark_pages(passed):
    """WCAG AA for its words, in Jupyter and on the site: an opaque box, whatever the page around it."""
    from gdcourse.exercises.judge import CheckResult

    box = CheckResult("adam_step", passed, "message")._repr_html_()
    tint = re.search(r"background: (#[0-9A-Fa-f]{6});", box).group(1)
    ink = re.search(r'<b style="color: (#[0-9A-Fa-f]{6})"', box).group(1)
    assert _contrast(ink, tint) >= 4.5
    assert _contrast("#222222", tint) >= 4.5 and "color: #222" in box  # the message


# ------------------------------------------------------------- in Korean (gdcourse.set_language)


@pytest.fixture
def korean():
    import gdcourse

    gdcourse.set_language("ko")
    yield
    gdcourse.set_language(None)


def test_in_korean_a_diagnosis_is_the_translation_of_the_english_one(korean):
    from gdcourse.i18n import translate

    result = check("momentum_step", buggy("momentum_step", MISTAKES["momentum_step"]["sign"]))
    exercise = EXERCISES["momentum_step"]
    mistake = next(m for m in exercise.mistakes if m.key == "sign")
    assert result.mistake == "sign"
    assert result.message == f"{translate(mistake.message, 'exercises', 'ko')} {translate(exercise.where, 'exercises', 'ko')}"
    assert result.message.startswith("그래디언트의 부호가 틀렸습니다") and "2장의 모멘텀 갱신식" in result.message
    assert result.render("en") == f"{mistake.message} {exercise.where}"  # the same verdict, in English
    assert str(result).startswith("실패 momentum_step: ")


@pytest.mark.parametrize("body, expected", [
    ("raise ValueError('oops')", "테스트 '1차원, 정지 상태에서 출발'의 1단계에서 ValueError: oops을(를) 일으켰습니다"),
    ("raise NotImplementedError", "아직 작성되지 않았습니다"),
    ("d = alpha * dw - eta * grad; return d, w + d", "순서가 틀렸습니다. (w_new, dw_new) 순서로 반환하세요"),
    ("d = alpha * dw - eta * grad; return w + d + 1e-3, d", "테스트 '1차원, 정지 상태에서 출발'의 1단계에서 w_new이(가) 틀렸습니다"),
])
def test_in_korean_every_kind_of_failure_speaks_korean_with_its_facts(korean, body, expected):
    result = check("momentum_step", buggy("momentum_step", body))
    assert not result.passed
    assert expected in result.message, result.message


def test_in_korean_a_pass_and_the_box_say_so(korean):
    passed = check("momentum_step", GOOD)
    assert passed.message == "테스트 3개를 모두 통과했습니다 (연속 11단계, 입력 모양 (3, 4), (5,), (6,))."
    assert "momentum_step — 통과" in passed._repr_html_()
    assert str(passed).startswith("통과 momentum_step: ")


def test_during_the_build_the_box_holds_both_editions(monkeypatch):
    from gdcourse.i18n import keep_edition

    monkeypatch.setenv("GDCOURSE_EDITIONS", "en ko")
    failed = check("momentum_step", buggy("momentum_step", MISTAKES["momentum_step"]["sign"]))
    box = failed._repr_html_()
    assert "The gradient enters with the wrong sign" in keep_edition(box, "en") and "부호" not in keep_edition(box, "en")
    assert "그래디언트의 부호가 틀렸습니다" in keep_edition(box, "ko") and "wrong sign" not in keep_edition(box, "ko")
    assert "— 아직 통과하지 못함" in keep_edition(box, "ko") and "— not yet" in keep_edition(box, "en")


def test_in_korean_hints_and_the_last_hint_pointer(korean):
    text = hint("adam_step", 3).data
    assert text.startswith("**`adam_step`의 힌트 3/3:** ")
    assert "ε은 제곱근 밖" in text and "`gdcourse.exercises.solution('adam_step')`이 해답을 보여 줍니다" in text
    korean_solution = solution("adam_step").data
    import gdcourse

    gdcourse.set_language("en")
    assert korean_solution == solution("adam_step").data  # code is code in every language


def test_the_scenarios_of_the_grader_are_named_in_korean_too():
    from gdcourse.exercises.judge import scenario_label

    fresh = EXERCISES["adam_step"].grading_scenarios(7)[-1].name
    assert fresh == "1-D, large ε and tiny gradients, fresh inputs"
    assert scenario_label(fresh).render("ko") == "1차원, 큰 ε과 아주 작은 그래디언트, 새 입력"


def test_every_message_of_the_exercises_has_a_korean_translation_with_its_fields():
    from string import Formatter

    from gdcourse.i18n import translate

    for message in exercises.messages():
        korean = translate(message, "exercises", "ko")
        assert korean != message or not re.search(r"[A-Za-z]{3}", re.sub(r"`[^`]*`|\{[^}]*\}", "", message)), message
        fields = lambda text: sorted(f for _, f, _, _ in Formatter().parse(text) if f is not None)  # noqa: E731
        if "{" in message and re.search(r"\{\w*[!:}]", message):
            assert fields(korean) == fields(message), (message, korean)
