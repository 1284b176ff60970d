#!/usr/bin/python3
"""SmoothL1Loss in numpy, speaking smoothl1 exec protocol 1 (spec/exec-protocol.md).

A template: replace `smooth_l1_loss` with a call into your implementation, keep the
protocol loop.  Run:  npx smoothl1 run --runner exec --command "python3 template.py"
It implements the documented MindSpore CPU profile (float16/32/64, beta > 0, implicit
type conversion, no broadcasting) and checks arguments in spec/profiles.json's order.
"""
import base64, json, sys
import numpy as np

DTYPES = {'float16': '<f2', 'float32': '<f4', 'float64': '<f8', 'int32': '<i4', 'int64': '<i8',
          'uint8': 'u1', 'bool': '?', 'complex64': '<c8', 'bfloat16': '<u2'}  # no numpy bfloat16
SUPPORTED = ('float16', 'float32', 'float64')
OP = "For 'SmoothL1Loss'"

class Tensor:  # what a framework tensor is to this operator: dtype name + numpy data
    def __init__(self, dtype, array):
        self.dtype, self.array = dtype, array

def decode(v):
    t = v['type']
    if t == 'tensor':
        raw = base64.b64decode(v['data'])
        return Tensor(v['dtype'], np.frombuffer(raw, DTYPES[v['dtype']]).reshape(v['shape']))
    if t == 'float': return float(v['value'])  # 'nan', 'inf', '-inf', '-0.0' parse too
    if t == 'int': return int(v['value'])
    if t == 'none': return None
    return v['value']  # bool, str, list

def smooth_l1_loss(logits, labels, beta=1.0, reduction='none'):
    if type(beta) not in (float, int, bool):
        raise TypeError(f"{OP}, the 'beta' must be a float, int or bool, but got {type(beta).__name__}.")
    if type(reduction) is not str or reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f"{OP}, the 'reduction' must be in ['none', 'mean', 'sum'], but got {reduction!r}.")
    for name, x in (('logits', logits), ('labels', labels)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{OP}, the '{name}' must be a Tensor, but got {type(x).__name__}.")
    for name, x in (('logits', logits), ('labels', labels)):
        if x.dtype not in SUPPORTED:
            raise RuntimeError(f"{OP}, the dtype of '{name}' must be in {list(SUPPORTED)}, but got {x.dtype}.")
    if logits.array.shape != labels.array.shape:
        raise ValueError(f"{OP}, the shape of 'logits' and 'labels' must be the same, but got "
                         f"{list(logits.array.shape)} and {list(labels.array.shape)}.")
    try:  # beta is stored as a C float (float32); ints go through a Python float first
        b32 = np.float32(float(beta))
    except OverflowError:
        b32 = np.float32(np.inf if beta > 0 else -np.inf)
    if not b32 > 0:  # NaN fails too
        raise RuntimeError(f"{OP}, the 'beta' must be greater than 0, but got {beta!r}.")
    out = np.result_type(logits.array, labels.array)  # implicit type conversion
    with np.errstate(all='ignore'):
        # Work in float64: exact differences for half/single inputs, and d * (d / b)
        # cannot overflow on the quadratic branch (d < b there); one rounding to `out`.
        x, y, b = logits.array.astype(np.float64), labels.array.astype(np.float64), np.float64(b32)
        d = np.abs(x - y)
        loss = np.where(d < b, 0.5 * (d * (d / b)), d - 0.5 * b)  # NaN takes the second branch
        if reduction == 'none':
            return Tensor(out.name, loss.astype(out))
        total = np.sum(loss, dtype=np.float64)
        value = total if reduction == 'sum' else total / loss.size if loss.size else np.float64(np.nan)
        return Tensor(out.name, np.array(value, dtype=np.float64).astype(out))

def handle(req):
    args = {k: decode(v) for k, v in req['args'].items()}  # absent beta/reduction stay absent
    try:
        r = smooth_l1_loss(**args)
    except Exception as e:  # a raised error is an answer, reported by class name
        return {'error': {'type': type(e).__name__, 'message': str(e)}}
    data = np.ascontiguousarray(r.array, dtype=DTYPES[r.dtype]).tobytes()
    return {'output': {'type': 'tensor', 'dtype': r.dtype, 'shape': list(r.array.shape),
                       'data': base64.b64encode(data).decode('ascii')}}

def main():
    out = sys.stdout
    out.write(json.dumps({'protocol': 1, 'hello': {'name': 'numpy-template', 'version': np.__version__}}) + '\n')
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        if req.get('protocol') != 1:
            ans = {'error': {'type': 'ProtocolVersionError', 'message': f"protocol {req.get('protocol')} not spoken"}}
        else:
            ans = handle(req)
        out.write(json.dumps({'seq': req['seq'], 'id': req['id'], **ans}) + '\n')
        out.flush()

if __name__ == '__main__':
    main()
