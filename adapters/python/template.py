#!/usr/bin/python3
"""SmoothL1Loss in numpy: a template for checking your own implementation.

Copy it and replace `smooth_l1_loss` with a call into your library.  With the Python
package installed (pip install ./python; see python/README.md), run either

    pytest --smoothl1-impl template.py:smooth_l1_loss                   # pytest, no Node needed
    npx smoothl1 run --runner exec --command "python3 template.py"      # the CLI, over the exec protocol

How it is called (smoothl1_conformance's calling convention): smooth_l1_loss(logits,
labels[, beta=...][, reduction=...]), with beta and reduction passed only when the case
gives them; tensors are numpy arrays, bfloat16 ones smoothl1_conformance.BFloat16Array
(uint16 bit patterns).  Return a numpy array; raise to report an error.
It implements the documented MindSpore CPU profile (float16/32/64, beta > 0, implicit
type conversion, no broadcasting) and checks arguments in spec/profiles.json's order.
"""
import os
import sys

import numpy as np

SUPPORTED = ('float16', 'float32', 'float64')  # a bfloat16 array's dtype is uint16: not supported
OP = "For 'SmoothL1Loss'"


def smooth_l1_loss(logits, labels, beta=1.0, reduction='none'):
    if type(beta) not in (float, int, bool):
        raise TypeError(f"{OP}, the 'beta' must be a float, int or bool, but got {type(beta).__name__}.")
    if type(reduction) is not str or reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f"{OP}, the 'reduction' must be in ['none', 'mean', 'sum'], but got {reduction!r}.")
    for name, x in (('logits', logits), ('labels', labels)):
        if not isinstance(x, np.ndarray):
            raise TypeError(f"{OP}, the '{name}' must be a Tensor, but got {type(x).__name__}.")
    for name, x in (('logits', logits), ('labels', labels)):
        if x.dtype.name not in SUPPORTED:
            raise RuntimeError(f"{OP}, the dtype of '{name}' must be in {list(SUPPORTED)}, but got {x.dtype.name}.")
    if logits.shape != labels.shape:
        raise ValueError(f"{OP}, the shape of 'logits' and 'labels' must be the same, but got "
                         f"{list(logits.shape)} and {list(labels.shape)}.")
    try:  # beta is stored as a C float (float32); ints go through a Python float first
        b32 = np.float32(float(beta))
    except OverflowError:
        b32 = np.float32(np.inf if beta > 0 else -np.inf)
    if not b32 > 0:  # NaN fails too
        raise RuntimeError(f"{OP}, the 'beta' must be greater than 0, but got {beta!r}.")
    out = np.result_type(logits, labels)  # implicit type conversion
    with np.errstate(all='ignore'):
        # Work in float64: exact differences for half/single inputs, and d * (d / b)
        # cannot overflow on the quadratic branch (d < b there); one rounding to `out`.
        x, y, b = logits.astype(np.float64), labels.astype(np.float64), np.float64(b32)
        d = np.abs(x - y)
        loss = np.where(d < b, 0.5 * (d * (d / b)), d - 0.5 * b)  # NaN takes the second branch
        # x - y overflows float64 for finite 1.7e308 and -1.7e308 although the loss need not
        # (with b = inf it is 0): the loss is homogeneous, L(d; b) = 2 L(d/2; b/2).
        over = np.isinf(d) & np.isfinite(x) & np.isfinite(y)
        if over.any():
            h, hb = np.abs(x[over] / 2 - y[over] / 2), b / 2
            loss[over] = 2 * np.where(h < hb, 0.5 * (h * (h / hb)), h - 0.5 * hb)
        if reduction == 'none':
            return loss.astype(out)
        total = np.sum(loss, dtype=np.float64)
        if reduction == 'sum':
            value = total
        elif not loss.size:
            value = np.float64(np.nan)  # the mean of nothing: 0 / 0
        elif np.isinf(total) and np.isfinite(loss).all():
            value = np.sum(loss / loss.size, dtype=np.float64)  # the sum overflows, the mean need not
        else:
            value = total / loss.size
        return np.array(value, dtype=np.float64).astype(out)


if __name__ == '__main__':
    # Inside the repository the package may not be installed: use its source.
    sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'python', 'src'))
    from smoothl1_conformance.serve import serve
    sys.exit(serve(smooth_l1_loss, name='numpy-template', version=np.__version__))
