"""Binary floating-point formats, derived from a pack's ``dtypes`` table (IEEE 754 layout:
sign, ``exponentBits``, ``fractionBits``): bit patterns to exact values, hex, ulps.

Values are float64 numpy arrays; every float16, bfloat16, float32 and float64 value is
exactly a float64, so comparisons on them are exact.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

_UINT = {16: np.dtype('<u2'), 32: np.dtype('<u4'), 64: np.dtype('<u8')}


@dataclass(frozen=True)
class FloatFormat:
    name: str
    bits: int
    exponent_bits: int
    fraction_bits: int

    @property
    def bias(self) -> int:
        return (1 << (self.exponent_bits - 1)) - 1

    @property
    def emin(self) -> int:
        return 1 - self.bias

    @property
    def emax(self) -> int:
        return self.bias

    @property
    def max_finite(self) -> float:
        return math.ldexp(2.0 - math.ldexp(1.0, -self.fraction_bits), self.emax)

    def decode(self, stored: np.ndarray) -> np.ndarray:
        """Exact values (float64) of elements in this format's storage."""
        a = np.asarray(stored)
        if a.dtype.kind == 'f':
            return a.astype(np.float64)
        b = a.astype(np.uint64)
        fb, eb = self.fraction_bits, self.exponent_bits
        sign = np.where((b >> np.uint64(fb + eb)) & np.uint64(1), -1.0, 1.0)
        e = ((b >> np.uint64(fb)) & np.uint64((1 << eb) - 1)).astype(np.int64)
        f = (b & np.uint64((1 << fb) - 1)).astype(np.float64)
        emax_field = (1 << eb) - 1
        normal = np.ldexp(1.0 + f / float(1 << fb), (e - self.bias).astype(np.int32))
        sub = np.ldexp(f / float(1 << fb), np.int32(self.emin))
        special = np.where(f == 0, np.inf, np.nan)
        mag = np.where(e == 0, sub, np.where(e == emax_field, special, normal))
        return sign * mag

    def bits_of(self, stored: np.ndarray) -> np.ndarray:
        """The bit patterns (unsigned integers) of stored elements."""
        return np.asarray(stored).view(_UINT[self.bits])

    def hex(self, stored_element) -> str:
        """One element's bit pattern: lowercase hex, bits/4 digits."""
        return format(int(self.bits_of(np.asarray(stored_element).reshape(1))[0]), f'0{self.bits // 4}x')

    def round_value(self, x: float) -> float:
        """A float64 rounded to this format: to nearest, ties to even, with gradual underflow
        and overflow to infinity."""
        x = float(x)
        if self.bits == 64 or not math.isfinite(x) or x == 0.0:
            return x
        _, e = math.frexp(x)  # |x| = m * 2^e with 0.5 <= m < 1: its leading bit is 2^(e - 1)
        quantum = math.ldexp(1.0, max(e - 1, self.emin) - self.fraction_bits)
        r = round(abs(x) / quantum) * quantum  # the quotient is exact; round() ties to even
        return math.copysign(math.inf if r > self.max_finite else r, x)

    def ulp(self, x: np.ndarray) -> np.ndarray:
        """ulp at x: 2^(max(E, emin) - fractionBits), E the binary exponent of |x| (emin for 0);
        2^(emax - fractionBits) for infinities, NaN and values beyond the format's range."""
        a = np.abs(np.asarray(x, dtype=np.float64))
        with np.errstate(invalid='ignore'):
            inside = a <= self.max_finite
        _, e = np.frexp(np.where(inside, a, 1.0))
        e = np.where(a == 0, self.emin, e.astype(np.int64) - 1)
        e = np.maximum(e, self.emin)
        e = np.where(inside, e, self.emax)
        return np.ldexp(1.0, (e - self.fraction_bits).astype(np.int32))

    def ulp_error(self, expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
        """(actual - expected) / ulp(expected): 0 when both are NaN or equal, infinite when
        exactly one is NaN or an infinity differs (a presentation figure, never a verdict)."""
        e = np.asarray(expected, dtype=np.float64)
        a = np.asarray(actual, dtype=np.float64)
        out = np.empty(np.broadcast(e, a).shape, dtype=np.float64)
        en, an = np.isnan(e), np.isnan(a)
        same = (e == a) | (en & an)
        finite = np.isfinite(e) & np.isfinite(a)
        with np.errstate(all='ignore'):
            diff = (a - e) / self.ulp(e)
        out[...] = np.where(same, 0.0, np.where(finite, diff, np.inf))
        return out


def formats_of(dtypes: dict) -> dict:
    """FloatFormat per float dtype of a pack manifest's ``dtypes`` table."""
    out = {}
    for name, info in dtypes.items():
        if 'exponentBits' in info:
            out[name] = FloatFormat(name, int(info['bytes']) * 8, int(info['exponentBits']), int(info['fractionBits']))
    return out


def _js_layout(x: float) -> str:
    """A finite, non-zero float64 laid out as ECMAScript's Number-to-String writes it (the
    shortest round-trip digits, which repr() gives too), without the exponent's '+'."""
    t = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = ''.join(map(str, t.digits))
    k, n = len(digits), t.exponent + len(digits)  # x = 0.digits * 10^n
    if k <= n <= 21:
        s = digits + '0' * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + '.' + digits[n:]
    elif -6 < n <= 0:
        s = '0.' + '0' * -n + digits
    else:
        s = digits[0] + ('.' + digits[1:] if k > 1 else '') + 'e' + str(n - 1)
    return ('-' if x < 0 else '') + s


def decimal(x: float, fmt: 'FloatFormat | None' = None) -> str:
    """A number as the suite writes it (spec/fp-primer.md section 7, the rule of the CLI's
    common/number-format.ts): a value of the format ``fmt`` (float64 when None) as the
    shortest decimal that reads back to it in that format, the nearest among those, the
    one ending in an even digit on a tie; ECMAScript's layout without the exponent's '+'; 'nan', 'inf', '-inf'
    and '-0' spelled out."""
    x = float(x)
    if math.isnan(x):
        return 'nan'
    if math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    if x == 0:
        return '-0' if math.copysign(1.0, x) < 0 else '0'
    if fmt is None or fmt.bits == 64:
        return _js_layout(x)
    a = abs(x)
    for k in range(1, 18):
        mantissa, exponent = f'{a:.{k - 1}e}'.split('e')  # the correctly rounded k-digit decimal
        m, e = int(mantissa.replace('.', '')), int(exponent) - (k - 1)
        best = None  # (distance, odd last digit, value)
        # At a power of two the values that round to x reach twice as far above as below:
        # the nearest k-digit decimal may miss while a neighbour reads back.
        for d in (m, m + 1, m - 1):
            if d <= 0:
                continue
            c = float(f'{d}e{e}')
            if fmt.round_value(c) != a:
                continue
            key = (abs(c - a), d % 2, c)
            if best is None or key[:2] < best[:2]:
                best = key
        if best is not None:
            return _js_layout(math.copysign(best[2], x))
    return _js_layout(x)
