#!/usr/bin/python3
"""torch.nn.functional.smooth_l1_loss behind smoothl1 exec protocol 1.

    npx smoothl1 run --runner exec --command "/usr/bin/python3 adapters/pytorch/adapter.py"

A faithful pipe, not a fix-up (spec/runner-contract.md section 4): logits -> input,
labels -> target; beta and reduction are passed only when the case gives them, so
PyTorch's own defaults (beta=1.0, reduction='mean') are what gets checked; tensors
keep their dtype; any exception PyTorch raises is reported by its class name.
"""
import base64
import json
import sys
import warnings

import torch
import torch.nn.functional as F

DTYPES = {
    'float16': torch.float16, 'bfloat16': torch.bfloat16, 'float32': torch.float32,
    'float64': torch.float64, 'int32': torch.int32, 'int64': torch.int64,
    'uint8': torch.uint8, 'bool': torch.bool, 'complex64': torch.complex64,
}
NAMES = {v: k for k, v in DTYPES.items()}


def decode(v):
    t = v['type']
    if t == 'tensor':
        dtype, shape = DTYPES[v['dtype']], v['shape']
        raw = bytearray(base64.b64decode(v['data']))
        if len(raw) == 0:
            return torch.empty(shape, dtype=dtype)
        return torch.frombuffer(raw, dtype=dtype).reshape(shape)
    if t == 'float':
        return float(v['value'])
    if t == 'int':
        return int(v['value'])
    if t == 'none':
        return None
    return v['value']  # bool, str, list (plain Python values)


def encode(r):
    if not isinstance(r, torch.Tensor):
        raise SystemExit(f'adapter: smooth_l1_loss returned {type(r).__name__}, not a tensor')
    if r.dtype not in NAMES:
        raise SystemExit(f'adapter: result dtype {r.dtype} has no protocol name')
    flat = r.detach().reshape(-1).contiguous()
    if r.dtype == torch.bfloat16:  # numpy has no bfloat16: send the 16-bit patterns
        flat = flat.view(torch.int16)
    data = flat.numpy().tobytes()
    return {'type': 'tensor', 'dtype': NAMES[r.dtype], 'shape': list(r.shape),
            'data': base64.b64encode(data).decode('ascii')}


def handle(req):
    args = req['args']
    kwargs = {k: decode(args[k]) for k in ('beta', 'reduction') if k in args}
    try:
        with warnings.catch_warnings():
            # Broadcasting warnings are diagnostics, not outcomes: keep them on stderr.
            warnings.simplefilter('always')
            r = F.smooth_l1_loss(decode(args['logits']), decode(args['labels']), **kwargs)
    except Exception as e:  # what PyTorch raised is the answer
        return {'error': {'type': type(e).__name__, 'message': str(e)}}
    return {'output': encode(r)}


def main():
    torch.set_num_threads(1)  # deterministic reduction order run to run
    out = sys.stdout
    out.write(json.dumps({'protocol': 1, 'hello': {'name': 'pytorch', 'version': torch.__version__}}) + '\n')
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
