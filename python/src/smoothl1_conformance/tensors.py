"""Tensors as the suite hands them to an implementation, and what it takes back.

An implementation receives tensor arguments as numpy arrays of the case's dtype
(float16, float32, float64, int32, int64, uint8, bool, complex64).  numpy has no
bfloat16, so a bfloat16 tensor arrives as a :class:`BFloat16Array`: a numpy array of
dtype uint16 holding the bfloat16 bit patterns, marked by its class.

An implementation returns a numpy array or numpy scalar of its result dtype; a bfloat16
result as a :class:`BFloat16Array` (or as any array whose dtype is named ``bfloat16``,
such as ml_dtypes').  Objects with ``__array__`` (a CPU torch tensor, a JAX array) are
read through ``numpy.asarray``.  Anything else is not a tensor, and the case fails as a
crash of the implementation, as it does in ``smoothl1 run``.
"""
from __future__ import annotations

import numpy as np

# The suite's dtype names and their little-endian numpy storage.  bfloat16 is stored as
# its 16-bit patterns.
STORAGE = {
    'float16': np.dtype('<f2'), 'bfloat16': np.dtype('<u2'), 'float32': np.dtype('<f4'),
    'float64': np.dtype('<f8'), 'int32': np.dtype('<i4'), 'int64': np.dtype('<i8'),
    'uint8': np.dtype('u1'), 'bool': np.dtype('?'), 'complex64': np.dtype('<c8'),
}


class BFloat16Array(np.ndarray):
    """A numpy array of uint16 whose elements are bfloat16 bit patterns.

    Create one with ``BFloat16Array.from_bits(bits)`` or ``to_bfloat16(values)``;
    read its values with ``from_bfloat16(a)`` (float32, exact).  Reshaping, slicing and
    copying keep the marker; arithmetic does not (its results are plain arrays, since
    arithmetic on bit patterns is not bfloat16 arithmetic).
    """

    @classmethod
    def from_bits(cls, bits) -> 'BFloat16Array':
        a = np.asarray(bits)
        if a.dtype not in (np.uint16, np.int16):
            raise TypeError(f'bfloat16 bit patterns must be uint16 or int16, got {a.dtype}')
        return a.view(np.uint16).view(cls)

    def __array_wrap__(self, obj, context=None, return_scalar=False):
        # ufunc results are numbers computed from bit patterns, not bfloat16 values
        return np.asarray(obj).view(np.ndarray)

    def __repr__(self) -> str:
        return f'BFloat16Array({from_bfloat16(self)!r})'


def to_bfloat16(values) -> BFloat16Array:
    """Round values (anything numpy reads as float32) to bfloat16, to nearest even."""
    f = np.array(values, dtype=np.float32)
    u = f.reshape(-1).view(np.uint32).astype(np.uint64)  # 1-d: no value-based casting of 0-d arrays
    rounded = (u + np.uint64(0x7FFF) + ((u >> np.uint64(16)) & np.uint64(1))) >> np.uint64(16)
    quiet = (u >> np.uint64(16)) | np.uint64(0x40)  # keep NaNs NaN (quiet)
    bits = np.where(np.isnan(f.reshape(-1)), quiet, rounded).astype(np.uint16)
    return bits.reshape(f.shape).view(BFloat16Array)


def from_bfloat16(a) -> np.ndarray:
    """The exact float32 values of bfloat16 bit patterns (a BFloat16Array or uint16 array)."""
    bits = np.asarray(a).view(np.uint16)
    wide = bits.reshape(-1).astype(np.uint32) << np.uint32(16)
    return wide.view(np.float32).reshape(bits.shape)


def dtype_name(x) -> str:
    """The suite's dtype name of an array: 'bfloat16' for a BFloat16Array, else numpy's name."""
    if isinstance(x, BFloat16Array):
        return 'bfloat16'
    return np.asarray(x).dtype.name


def make_tensor(dtype: str, shape, raw: bytes) -> np.ndarray:
    """A fresh, writable array from the suite's little-endian element bytes."""
    storage = STORAGE[dtype]
    shape = tuple(int(s) for s in shape)
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if len(raw) != n * storage.itemsize:
        raise ValueError(f'{dtype} tensor of shape {list(shape)} needs {n * storage.itemsize} bytes, got {len(raw)}')
    a = np.frombuffer(raw, dtype=storage).reshape(shape).copy()
    if dtype == 'bfloat16':
        return a.view(BFloat16Array)
    return a.astype(storage.newbyteorder('='), copy=False)


class NotATensor(Exception):
    """What an implementation returned is not a tensor the suite can check."""


def tensor_of(result):
    """(dtype name, shape, little-endian storage array) of a returned tensor; NotATensor otherwise."""
    if isinstance(result, BFloat16Array):
        return 'bfloat16', list(result.shape), _storage(np.asarray(result).view(np.uint16), np.dtype('<u2'))
    if isinstance(result, (np.ndarray, np.generic)) or hasattr(result, '__array__'):
        try:
            a = np.asarray(result)
        except Exception as e:  # e.g. a torch bfloat16 tensor
            raise NotATensor(f'returned a {type(result).__name__} that numpy cannot read: {type(e).__name__}: {e}') from None
    else:
        raise NotATensor(f'returned {_describe(result)}, not an array')
    name = a.dtype.name
    if name == 'bfloat16' and a.dtype.itemsize == 2:  # ml_dtypes and the like
        return 'bfloat16', list(a.shape), _storage(a.view(np.uint16), np.dtype('<u2'))
    storage = STORAGE.get(name)
    if storage is None or name == 'bfloat16' or a.dtype.kind != storage.kind or a.dtype.itemsize != storage.itemsize:
        raise NotATensor(f'returned an array of dtype {a.dtype}, which is none of the suite\'s dtypes '
                         f'({", ".join(STORAGE)}; bfloat16 as a smoothl1_conformance.BFloat16Array)')
    return name, list(a.shape), _storage(a, storage)


def _storage(a: np.ndarray, storage: np.dtype) -> np.ndarray:
    """A flat, contiguous copy in the suite's little-endian storage."""
    return np.array(a, dtype=storage, order='C').reshape(-1)


def _describe(x) -> str:
    text = repr(x)
    if len(text) > 80:
        text = text[:80] + '...'
    return f'{type(x).__name__} {text}'
