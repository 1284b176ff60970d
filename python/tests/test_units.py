"""Unit tests of smoothl1_conformance's low-level pieces against independent references
(numpy's float16, exact rational rounding, math.ulp, the glob rules of the suite's
harness/glob.ts). Run by test/python/ with real pytest in the package's venv:

    python -m pytest python/tests
"""
import json
import math
import random
from fractions import Fraction

import numpy as np
import pytest

from smoothl1_conformance import BFloat16Array, Pack, from_bfloat16, to_bfloat16
from smoothl1_conformance.expectations import ExpectationsError, glob_to_regex, parse_expectations
from smoothl1_conformance.floats import FloatFormat
from smoothl1_conformance.tensors import NotATensor, make_tensor, tensor_of

F16 = FloatFormat('float16', 16, 5, 10)
BF16 = FloatFormat('bfloat16', 16, 8, 7)
F64 = FloatFormat('float64', 64, 11, 52)


def test_float16_decode_matches_numpy_for_every_pattern():
    bits = np.arange(65536, dtype=np.uint16)
    ours = F16.decode(bits)
    ref = bits.view(np.float16).astype(np.float64)
    assert np.array_equal(np.isnan(ours), np.isnan(ref))
    ok = ~np.isnan(ref)
    assert np.array_equal(ours[ok], ref[ok])
    assert np.array_equal(np.signbit(ours[ok]), np.signbit(ref[ok]))  # -0 stays -0


def test_bfloat16_decode_is_the_upper_half_of_a_float32_for_every_pattern():
    bits = np.arange(65536, dtype=np.uint16)
    ours = BF16.decode(bits)
    with np.errstate(invalid='ignore'):
        ref = (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    ok = ~np.isnan(ref)
    assert np.array_equal(np.isnan(ours), ~ok)
    assert np.array_equal(ours[ok], ref[ok])
    assert np.array_equal(from_bfloat16(bits)[ok], ref[ok].astype(np.float32))


def _bf16_reference(x: np.float32) -> int:
    """Round a float32 to bfloat16, to nearest even, with exact rationals."""
    u = int(np.array(x, dtype=np.float32).view(np.uint32))
    if math.isnan(float(x)):
        return -1
    if math.isinf(float(x)):
        return u >> 16
    lower = u >> 16  # truncation: the neighbour towards zero
    upper = lower + 1  # the neighbour away from zero (0x7f80 = inf past the largest)
    value = Fraction(float(x))
    def val(b):
        if b & 0x7FFF == 0x7F80:
            return None  # infinity
        return Fraction(float(np.array(b << 16, dtype=np.uint32).view(np.float32)))
    lo_v, up_v = val(lower), val(upper)
    if up_v is None:  # rounding up would overflow: the halfway point decides
        half_ulp = Fraction(2) ** (127 - 7 - 1)
        return upper if abs(value) >= abs(lo_v) + half_ulp else lower
    d_lo, d_up = abs(value - lo_v), abs(up_v - value)
    if d_lo != d_up:
        return lower if d_lo < d_up else upper
    return lower if lower % 2 == 0 else upper


def test_to_bfloat16_rounds_to_nearest_even():
    rnd = random.Random(12)
    patterns = [rnd.getrandbits(32) for _ in range(4000)]
    patterns += [0x3F808000, 0x3F818000, 0x3F80C000, 0x7F7F8000, 0x7F7FFFFF, 0x00008000, 0x00018000, 0x80008000,
                 0x7F800000, 0xFF800000, 0x00000001, 0x80000000]
    xs = np.array(patterns, dtype=np.uint32).view(np.float32)
    got = to_bfloat16(xs)
    assert isinstance(got, BFloat16Array)
    for x, g in zip(xs, np.asarray(got)):
        want = _bf16_reference(x)
        if want == -1:
            assert math.isnan(float(from_bfloat16(np.array(g, dtype=np.uint16))))
        else:
            assert int(g) == want, f'{float(x)!r}: got {int(g):04x}, want {want:04x}'


def test_ulp_of_float64_is_math_ulp():
    rnd = random.Random(5)
    xs = [0.0, 5e-324, 2.2250738585072014e-308, 1.0, 1.5, 2.0 ** 52, 1.7976931348623157e308]
    xs += [abs(np.array(rnd.getrandbits(64), dtype=np.uint64).view(np.float64).item()) for _ in range(500)]
    xs = [x for x in xs if math.isfinite(x)]
    assert list(F64.ulp(np.array(xs))) == [math.ulp(x) for x in xs]
    assert F16.ulp(np.array([1.0, 65504.0, 0.0, np.inf]))[0] == 2.0 ** -10
    assert list(F16.ulp(np.array([65504.0, 0.0, np.inf]))) == [32.0, 2.0 ** -24, 32.0]
    errs = F16.ulp_error(np.array([1.0, np.nan, np.nan, np.inf, 1.0]), np.array([1.0 + 3 * 2 ** -10, np.nan, 1.0, np.inf, np.inf]))
    assert list(errs) == [3.0, 0.0, np.inf, 0.0, np.inf]


@pytest.mark.parametrize('glob,yes,no', [
    ('beta/*', ['beta/x', 'beta/x-y.z'], ['beta/x/y', 'betax']),
    ('a/**/b', ['a/b', 'a/x/b', 'a/x/y/b'], ['a/xb', 'b']),
    ('**', ['a', 'a/b/c'], []),
    ('x?z', ['xyz'], ['x/z', 'xz']),
    ('a.b+c', ['a.b+c'], ['aXb+c', 'a.bbc']),
])
def test_globs_follow_the_suites_rules(glob, yes, no):
    r = glob_to_regex(glob)
    assert all(r.match(s) for s in yes)
    assert not any(r.match(s) for s in no)


def test_expectations_errors_name_the_file_and_field():
    with pytest.raises(ExpectationsError, match=r"f\.json: /expectations/0/statuses: 'wrong' is not one of"):
        parse_expectations('f.json', json.dumps({'expectations': [{'id': 'a', 'reason': 'r', 'statuses': ['wrong']}]}))
    with pytest.raises(ExpectationsError, match=r'f\.json: /expectations/1/reason must be a non-empty string'):
        parse_expectations('f.json', json.dumps({'expectations': [{'id': 'a', 'reason': 'r'}, {'id': 'b'}]}))
    with pytest.raises(ExpectationsError, match=r"unknown key\(s\) ouch"):
        parse_expectations('f.json', json.dumps({'expectations': [], 'ouch': 1}))
    e = parse_expectations('f.json', json.dumps({'expectations': [
        {'id': 'a/*', 'reason': 'only values', 'statuses': ['wrong-value']}, {'id': 'a/**', 'reason': 'anything', 'profiles': ['cpu']}]}))
    assert e.entry_for('a/b', 'cpu', 'wrong-value').reason == 'only values'
    assert e.entry_for('a/b', 'cpu', 'crash').reason == 'anything'
    assert e.entry_for('a/b', 'gpu', 'crash') is None
    assert e.entry_for('a/b', 'gpu', 'pass').reason == 'only values'  # a listed case that passes


def test_tensors_in_and_out():
    a = make_tensor('int64', [2], bytes.fromhex('feffffffffffffff0100000000000000'))
    assert a.tolist() == [-2, 1] and a.flags.writeable
    assert make_tensor('float32', [], bytes.fromhex('0000803f')).shape == ()
    assert make_tensor('bool', [0], b'').shape == (0,)
    b = make_tensor('bfloat16', [2], bytes.fromhex('803f00c0'))
    assert isinstance(b, BFloat16Array) and from_bfloat16(b).tolist() == [1.0, -2.0]
    assert not isinstance(b + 1, BFloat16Array)  # arithmetic on patterns loses the marker
    assert isinstance(b.reshape(1, 2), BFloat16Array)
    with pytest.raises(ValueError, match='needs 8 bytes, got 4'):
        make_tensor('float32', [2], b'\0' * 4)

    assert tensor_of(np.float32(1.5))[:2] == ('float32', [])
    name, shape, storage = tensor_of(np.array([[1, 2]], dtype='>f4'))
    assert (name, shape, storage.tobytes()) == ('float32', [1, 2], bytes.fromhex('0000803f00000040'))
    assert tensor_of(BFloat16Array.from_bits(np.array(0x3F80, dtype=np.uint16)))[:2] == ('bfloat16', [])

    class Arrayish:
        def __array__(self, dtype=None):
            return np.zeros(3, dtype=np.float16)
    assert tensor_of(Arrayish())[:2] == ('float16', [3])
    for bad, msg in ((1.5, 'returned float 1.5, not an array'), ([1.0], 'returned list'),
                     (np.zeros(2, dtype=np.uint16), 'dtype uint16, which is none of'),
                     (np.zeros(2, dtype=np.complex128), 'dtype complex128')):
        with pytest.raises(NotATensor, match=msg):
            tensor_of(bad)


def test_the_default_pack_is_intact_and_every_case_reads():
    pack = Pack()
    pack.verify()
    for case in pack.cases():
        args = case.args()
        assert {'logits', 'labels'} <= set(args)
        assert set(case.expected) <= set(pack.profiles)


F32 = FloatFormat('float32', 32, 8, 23)


def _digits(s: str) -> str:
    """The significant digits of a decimal string."""
    return s.lstrip('-').split('e')[0].replace('.', '').lstrip('0').rstrip('0') or '0'


def test_decimal_float16_is_numpys_shortest_for_every_pattern():
    # numpy's repr of a float16 is the shortest decimal that reads back (Dragon4, unique):
    # an independent reference for the digits; the value must read back through our rounding.
    from smoothl1_conformance.floats import decimal
    for b in range(65536):
        h = np.array([b], dtype=np.uint16).view(np.float16)[0]
        x = float(h)
        if not math.isfinite(x) or x == 0:
            continue
        s = decimal(x, F16)
        assert F16.round_value(float(s)) == x, (b, s)
        ref = np.format_float_scientific(h, unique=True, trim='-')
        assert _digits(s) == _digits(ref), (b, s, ref)


def test_decimal_float32_and_bfloat16_read_back_with_no_shorter_decimal():
    from smoothl1_conformance.floats import decimal
    rng = random.Random(7)
    for _ in range(3000):
        x = float(np.array([rng.getrandbits(32)], dtype=np.uint32).view(np.float32)[0])
        if not math.isfinite(x) or x == 0:
            continue
        s = decimal(x, F32)
        assert float(np.float32(float(s))) == x, (x, s)
        assert _digits(s) == _digits(np.format_float_scientific(np.float32(x), unique=True, trim='-')), (x, s)
    for b in range(65536):
        x = float(BF16.decode(np.array([b], dtype=np.uint16))[0])
        if not math.isfinite(x) or x == 0:
            continue
        s = decimal(x, BF16)
        assert BF16.round_value(float(s)) == x, (b, s)
        k = len(_digits(s))
        if k > 1:  # no decimal of k - 1 digits reads back (both neighbours of x tried)
            for cand in (f'{abs(x):.{k - 2}e}',):
                m, e = cand.split('e')
                d, e = int(m.replace('.', '')), int(e) - (k - 2)
                for dd in (d - 1, d, d + 1):
                    if dd > 0 and len(str(dd)) == k - 1:
                        assert BF16.round_value(float(f'{dd}e{e}')) != abs(x), (b, s, dd, e)


def test_decimal_spells_values_as_the_cli_does():
    from smoothl1_conformance.floats import decimal
    assert [decimal(v) for v in (float('nan'), float('inf'), float('-inf'), -0.0, 0.0)] == ['nan', 'inf', '-inf', '-0', '0']
    assert decimal(float(np.float32(3.3121776e-9)), F32) == '3.3121776e-9'
    assert decimal(float(np.float32(3.3121776e-9))) == '3.312177643266523e-9'
    assert decimal(2.0 ** 64, BF16) == '18500000000000000000'
    assert decimal(25712.0, F16) == '25710'
    assert [decimal(v) for v in (1e21, 1e-7, 1e-6, 123456789012345680000.0, 0.5, -1.5e300)] == ['1e21', '1e-7', '0.000001', '123456789012345680000', '0.5', '-1.5e300']


def test_a_union_of_intervals_accepts_each_part_and_rejects_the_gap():
    # special/float16-subnormal-input-decode-linear-none at standard: each element accepts the
    # kept subnormal's interval or the one of the input read as 0 (pack format 2, intervals.more)
    from smoothl1_conformance.check import Answer, judge
    pack = Pack()
    case = pack.case('special/float16-subnormal-input-decode-linear-none')
    out = case.outcome('cpu')['output']
    ints = out['intervals']['standard']
    more = ints['more']
    n = int(np.prod(out['shape']))
    lo = pack.read(ints['lo'], 'float16', out['shape'], 'test')
    hi = pack.read(ints['hi'], 'float16', out['shape'], 'test')
    idx = pack.read(more['index'], 'int64', [more['count']], 'test')
    m_lo = pack.read(more['lo'], 'float16', [more['count']], 'test')
    m_hi = pack.read(more['hi'], 'float16', [more['count']], 'test')
    assert sorted(set(int(i) for i in idx)) == list(range(n))  # every element has two parts
    first = {int(i): k for k, i in reversed(list(enumerate(idx)))}

    def verdict(values):
        a = np.array(values, dtype='<f2')
        return judge(case, case.outcome('cpu'), Answer.output('float16', out['shape'], a), 'standard')

    assert verdict(lo).status == 'pass'
    assert verdict([m_hi[first[i]] for i in range(n)]).status == 'pass'
    # a value in the gap between the two parts (above the first, below the second) fails
    gap = [np.nextafter(hi[i], np.float16(1)) for i in range(n)]
    assert all(g < m_lo[first[i]] for i, g in enumerate(gap))
    v = verdict(gap)
    assert v.status == 'wrong-value' and v.failed_count == n
    assert ' or [' in v.reason and v.elements[0].more
