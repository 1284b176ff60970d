"""Checking one answer of an implementation against a pack case: the rule of the pack's
README.md ("Checking an answer"), giving the statuses ``smoothl1 run`` gives.

An :class:`Answer` is what the implementation did: returned a tensor, raised an error,
crashed (returned something that is not a tensor) or gave no answer in time.  A
:class:`Verdict` is the status with a one-line reason and, for wrong values, the
elements outside their accepted interval.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from .floats import decimal

# How close an answer came to an alternative of anyOf (lower is closer; first wins a tie).
CLOSENESS = {
    'pass': 0, 'wrong-value': 1, 'wrong-shape': 2, 'wrong-dtype': 3, 'wrong-error-type': 4,
    'missing-error': 5, 'unexpected-error': 5, 'crash': 6, 'timeout': 6,
}
STATUSES = tuple(CLOSENESS)


@dataclass
class Answer:
    kind: str  # 'output', 'error', 'crash', 'timeout'
    dtype: str = ''
    shape: List[int] = field(default_factory=list)
    storage: Optional[np.ndarray] = None  # flat, in the dtype's little-endian storage
    error_type: str = ''
    message: str = ''

    @staticmethod
    def output(dtype: str, shape, storage) -> 'Answer':
        return Answer('output', dtype=dtype, shape=list(shape), storage=storage)

    @staticmethod
    def error(error_type: str, message: str) -> 'Answer':
        return Answer('error', error_type=error_type, message=message)

    def describe(self) -> str:
        if self.kind == 'output':
            return f'output {self.dtype} shape [{",".join(map(str, self.shape))}]'
        if self.kind == 'error':
            return f'error {self.error_type}'
        return 'no answer (timeout)' if self.kind == 'timeout' else 'a crash'


@dataclass
class ElementFailure:
    index: int
    expected: float
    lo: float
    hi: float
    actual: float
    expected_hex: str
    lo_hex: str
    hi_hex: str
    actual_hex: str
    ulp_error: float
    # further accepted intervals beyond [lo, hi] (the union of a level's discrete
    # alternatives): (lo, hi, lo_hex, hi_hex), ascending
    more: list = field(default_factory=list)


@dataclass
class Verdict:
    status: str
    reason: str
    expected: str  # the accepted outcome in words
    max_ulp_error: Optional[float] = None
    failed_count: int = 0
    elements: List[ElementFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == 'pass'


def describe_outcome(o: dict) -> str:
    if 'anyOf' in o:
        return 'one of: ' + '; '.join(describe_outcome(a) for a in o['anyOf'])
    if 'error' in o:
        t = 'of any type' if o['error'] == 'any' else o['error']
        return f'error {t}' + (f' ({o["kind"]})' if o.get('kind') else '')
    out = o['output']
    return f'output {out["dtype"]} shape [{",".join(map(str, out["shape"]))}]'


def _first_line(s: str) -> str:
    line = s.split('\n', 1)[0]
    return line[:200] + '…' if len(line) > 200 else line


def judge(case, outcome: dict, answer: Answer, level: str, max_reported: int = 10) -> Verdict:
    """The verdict on one answer; outcome is ``case.outcome(profile)`` (not None)."""
    expected = describe_outcome(outcome)
    if answer.kind in ('crash', 'timeout'):
        first = _first_line(answer.message)
        reason = f'no answer: {first}' if answer.kind == 'timeout' else f'the implementation crashed: {first}'
        return Verdict(answer.kind, reason, expected)
    return _judge(case, outcome, answer, level, max_reported)


def _judge(case, o: dict, r: Answer, level: str, max_reported: int) -> Verdict:
    expected = describe_outcome(o)
    if 'anyOf' in o:
        verdicts = [_judge(case, alt, r, level, max_reported) for alt in o['anyOf']]
        for v in verdicts:
            if v.ok:
                return v
        best = verdicts[0]
        for v in verdicts:
            if CLOSENESS[v.status] < CLOSENESS[best.status]:
                best = v
        best.reason = f'none of the {len(verdicts)} accepted outcomes matched; closest ({best.expected}): {best.reason}'
        return best
    if 'error' in o:
        want = f'{o["error"]} ({o["kind"]})' if o.get('kind') else o['error']
        if r.kind == 'output':
            return Verdict('missing-error', f'expected error {want}, got an output {r.dtype} shape [{",".join(map(str, r.shape))}]', expected)
        if o['error'] != 'any' and r.error_type != o['error']:
            return Verdict('wrong-error-type', f'expected error {want}, got {r.error_type}: {_first_line(r.message)}', expected)
        return Verdict('pass', f'raised {r.error_type} as expected', expected)
    want = o['output']
    shape_text = ','.join(map(str, want['shape']))
    if r.kind == 'error':
        return Verdict('unexpected-error', f'expected output {want["dtype"]} shape [{shape_text}], got {r.error_type}: {_first_line(r.message)}', expected)
    if r.dtype != want['dtype']:
        return Verdict('wrong-dtype', f'expected dtype {want["dtype"]}, got {r.dtype}', expected)
    if [int(s) for s in r.shape] != [int(s) for s in want['shape']]:
        return Verdict('wrong-shape', f'expected shape [{shape_text}], got [{",".join(map(str, r.shape))}]', expected)
    return _check_values(case, want, r, level, max_reported, expected)


def _check_values(case, want: dict, r: Answer, level: str, max_reported: int, expected_text: str) -> Verdict:
    pack, dtype, shape = case.pack, want['dtype'], want['shape']
    fmt = pack.formats[dtype]
    intervals = want['intervals'].get(level)
    if intervals is None:
        from .pack import PackError
        raise PackError(f'{case.where}: the output of {dtype} has no intervals for level {level!r}')
    where = case.where
    e_raw = pack.read(want['expected'], dtype, shape, where)
    lo_raw = pack.read(intervals['lo'], dtype, shape, where)
    hi_raw = pack.read(intervals['hi'], dtype, shape, where)
    e, lo, hi = fmt.decode(e_raw), fmt.decode(lo_raw), fmt.decode(hi_raw)
    a = fmt.decode(r.storage)
    nan_expected = np.isnan(e)
    with np.errstate(invalid='ignore'):
        ok = np.where(nan_expected, np.isnan(a), (lo <= a) & (a <= hi))
    # further intervals (spec/pack.md): entry k accepts [more_lo[k], more_hi[k]] for element index[k]
    more = intervals.get('more')
    extra = {}
    if more is not None:
        count = int(more['count'])
        idx = pack.read(more['index'], 'int64', [count], where)
        m_lo_raw = pack.read(more['lo'], dtype, [count], where)
        m_hi_raw = pack.read(more['hi'], dtype, [count], where)
        m_lo, m_hi = fmt.decode(m_lo_raw), fmt.decode(m_hi_raw)
        n_el = int(a.size)
        for k in range(count):
            i = int(idx[k])
            if not 0 <= i < n_el:
                from .pack import PackError
                raise PackError(f'{where}: {more["index"]} entry {k} names element {i} of {n_el}')
            extra.setdefault(i, []).append((float(m_lo[k]), float(m_hi[k]), fmt.hex(m_lo_raw[k]), fmt.hex(m_hi_raw[k])))
            if not ok[i] and not nan_expected[i] and m_lo[k] <= a[i] <= m_hi[k]:
                ok[i] = True
    ulps = fmt.ulp_error(e, a)
    n = int(a.size)
    max_ulp = float(np.max(np.abs(ulps))) if n else 0.0
    bad = np.flatnonzero(~ok)
    if bad.size == 0:
        return Verdict('pass', f'all {n} elements within the {level} interval (max {_num(max_ulp)} ulp)', expected_text, max_ulp)
    failures = [ElementFailure(
        index=int(i), expected=float(e[i]), lo=float(lo[i]), hi=float(hi[i]), actual=float(a[i]),
        expected_hex=fmt.hex(e_raw[i]), lo_hex=fmt.hex(lo_raw[i]), hi_hex=fmt.hex(hi_raw[i]),
        actual_hex=fmt.hex(r.storage[i]), ulp_error=float(ulps[i]), more=extra.get(int(i), [])) for i in bad[:max_reported]]
    f = failures[0]
    union = ' or '.join(f'[{decimal(l, fmt)}, {decimal(h, fmt)}]' for l, h in [(f.lo, f.hi)] + [(m[0], m[1]) for m in f.more])
    reason = (f'{bad.size} of {n} {dtype} elements outside the {level} interval; first at [{f.index}]: expected '
              f'{decimal(f.expected, fmt)} in {union}, got {decimal(f.actual, fmt)} ({_num(f.ulp_error)} ulp)')
    return Verdict('wrong-value', reason, expected_text, max_ulp, int(bad.size), failures)


def _num(x: float) -> str:
    """An ulp figure, written as the suite writes a figure (a float64 decimal; 'inf')."""
    return decimal(x)
