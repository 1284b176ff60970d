#!/usr/bin/python3
"""torch.nn.functional.smooth_l1_loss in smoothl1_conformance's calling convention.

    pytest --smoothl1-impl adapters/pytorch/adapter.py:smooth_l1_loss --smoothl1-xfails expectations/pytorch.json
    npx smoothl1 run --runner exec --command "/usr/bin/python3 adapters/pytorch/adapter.py"

A faithful pipe, not a fix-up (spec/runner-contract.md section 4): logits -> input,
labels -> target; beta and reduction are passed only when the case gives them, so
PyTorch's own defaults (beta=1.0, reduction='mean') are what gets checked; numpy arrays
become tensors of the same dtype (bfloat16 bit patterns become bfloat16 tensors), other
arguments are passed as they are; any exception PyTorch raises is the answer.
"""
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)  # deterministic reduction order run to run


def to_torch(x):
    if not isinstance(x, np.ndarray):
        return x  # float, int, bool, str, None, list: PyTorch decides what to do with them
    if type(x).__name__ == 'BFloat16Array':  # numpy has no bfloat16: its 16-bit patterns
        return torch.from_numpy(np.asarray(x).view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(np.asarray(x))


def from_torch(r):
    if not isinstance(r, torch.Tensor):
        return r  # not a tensor: the suite reports it
    r = r.detach()
    if r.dtype == torch.bfloat16:
        from smoothl1_conformance import BFloat16Array
        bits = r.reshape(-1).contiguous().view(torch.int16).numpy().view(np.uint16)
        return BFloat16Array.from_bits(bits.reshape(tuple(r.shape)))
    return r.numpy()


def smooth_l1_loss(logits, labels, **kwargs):
    with warnings.catch_warnings():
        # Broadcasting warnings are diagnostics, not outcomes: print them, never raise them.
        warnings.simplefilter('always')
        return from_torch(F.smooth_l1_loss(to_torch(logits), to_torch(labels), **kwargs))


if __name__ == '__main__':
    # Inside the repository the package may not be installed: use its source.
    sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'python', 'src'))
    from smoothl1_conformance.serve import serve
    sys.exit(serve(smooth_l1_loss, name='pytorch', version=torch.__version__))
