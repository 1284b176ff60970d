"""A failure as text, laid out like ``smoothl1 run`` prints it: the reason, the accepted
outcome against what came back, the inputs (first elements and the failing ones, decimal
and hex), every element outside its accepted interval with the error in ulps, the
implementation's message, and the command that reruns only this case.
"""
from __future__ import annotations

import math

import numpy as np

from .check import Answer, Verdict, _num
from .floats import decimal
from .tensors import STORAGE, dtype_name

HEAD_ELEMENTS = 8


def _element_text(pack, dtype: str, stored, i: int) -> str:
    fmt = pack.formats.get(dtype)
    if fmt is not None:
        return f'[{i}] {decimal(fmt.decode(stored[i:i + 1])[0], fmt)} (0x{fmt.hex(stored[i])})'
    v = stored[i]
    if dtype == 'bool':
        text = 'True' if v else 'False'
    elif dtype == 'complex64':
        f32 = pack.formats.get('float32')
        re, im = float(np.real(v)), float(np.imag(v))
        text = f"{decimal(re, f32)}{'' if math.copysign(1.0, im) < 0 else '+'}{decimal(im, f32)}j"
    else:
        text = str(int(v))
    raw = np.asarray(stored[i:i + 1]).tobytes()[::-1].hex()  # little-endian bytes, most significant first
    return f'[{i}] {text} (0x{raw})'


def _input_line(pack, name: str, value, present: bool, failing) -> str:
    label = name.ljust(9)
    if not present:
        return f"{label} absent (the implementation's default applies)"
    if isinstance(value, np.ndarray):
        dtype = dtype_name(value)
        stored = np.asarray(value).reshape(-1).astype(STORAGE[dtype], copy=False)
        n = stored.size
        shown = sorted(set(range(min(HEAD_ELEMENTS, n))) | {i for i in failing if i < n})
        more = f'  … ({n} elements, the first and the failing ones shown)' if len(shown) < n else ''
        elements = '  '.join(_element_text(pack, dtype, stored, i) for i in shown)
        return f'{label} tensor {dtype} shape [{",".join(map(str, value.shape))}]: {elements}{more}'
    if value is None:
        return f'{label} none None'
    if isinstance(value, bool):
        return f'{label} bool {value}'
    if isinstance(value, float):
        return f'{label} float {decimal(value)} (float64 {np.float64(value).view(np.uint64):016x})'
    if isinstance(value, int):
        return f'{label} int {value}'
    if isinstance(value, str):
        return f'{label} str {value!r}'
    text = repr(value)
    return f'{label} {type(value).__name__} {text[:200] + "…" if len(text) > 200 else text}'


def failure_text(case, verdict: Verdict, answer: Answer, rerun: str, status_label: str = '') -> str:
    """Multi-line text for a failing verdict."""
    args = case.args()  # fresh: the implementation may have changed the arrays it was given
    lines = [f'{(status_label or verdict.status).upper()}  {case.id}', f'  reason:   {verdict.reason}',
             f'  expected: {verdict.expected}', f'  got:      {answer.describe()}', '  inputs:']
    failing = [e.index for e in verdict.elements]
    for name in ('logits', 'labels', 'beta', 'reduction'):
        lines.append('    ' + _input_line(case.pack, name, args.get(name), name in args, failing))
    if verdict.elements:
        fmt = case.pack.formats.get(answer.dtype)
        n = verdict.failed_count
        shown = len(verdict.elements)
        lines.append(f'  elements outside the accepted interval ({n}{f", first {shown} shown" if n > shown else ""}):')
        for e in verdict.elements:
            union = ' or '.join(f'[{decimal(lo, fmt)} (0x{lh}), {decimal(hi, fmt)} (0x{hh})]'
                                for lo, hi, lh, hh in [(e.lo, e.hi, e.lo_hex, e.hi_hex)] + list(e.more))
            lines.append(f'    [{e.index}] expected {decimal(e.expected, fmt)} (0x{e.expected_hex})  accepted {union}  '
                         f'got {decimal(e.actual, fmt)} (0x{e.actual_hex})  error {_num(e.ulp_error)} ulp')
    if answer.kind != 'output' and answer.message:
        msg = answer.message.rstrip('\n').split('\n')
        lines.append(f'  message:  {msg[0]}')
        lines.extend('            ' + m for m in msg[1:])
    lines.append(f'  rerun:    {rerun}')
    return '\n'.join(lines)
