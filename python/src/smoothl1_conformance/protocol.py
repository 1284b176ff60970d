"""smoothl1 exec protocol 1 (the suite's spec/exec-protocol.md): JSON lines, tensors as
base64 of little-endian element bytes, floats as exact decimal strings.

Only the wire format lives here; :mod:`smoothl1_conformance.serve` runs the loop.  A later
protocol version is another module with the same three functions (read a request's
arguments, write an answer, the hello line), chosen by the request's ``protocol`` number.
"""
from __future__ import annotations

import base64
import json

from .check import Answer
from .tensors import make_tensor

VERSION = 1


def hello(name: str, version: str) -> str:
    return json.dumps({'protocol': VERSION, 'hello': {'name': name, 'version': version}})


def decode_value(v: dict):
    """A request's argument value V as the implementation receives it."""
    t = v['type']
    if t == 'tensor':
        return make_tensor(v['dtype'], v['shape'], base64.b64decode(v['data']))
    if t == 'float':
        return float(v['value'])  # 'nan', 'inf', '-inf', '-0.0' parse too
    if t == 'int':
        return int(v['value'])
    if t == 'none':
        return None
    if t in ('bool', 'str', 'list'):
        return v['value']
    raise ValueError(f'unknown value type {t!r}')


def decode_args(req: dict) -> dict:
    """The call's arguments by name; a beta or reduction absent from the request stays absent."""
    return {k: decode_value(v) for k, v in req['args'].items()}


def answer_line(req: dict, answer: Answer) -> str:
    """The response to a request, for an output or a raised error (not for a crash)."""
    head = {'seq': req['seq'], 'id': req['id']}
    if answer.kind == 'output':
        data = base64.b64encode(answer.storage.tobytes()).decode('ascii')
        head['output'] = {'type': 'tensor', 'dtype': answer.dtype, 'shape': answer.shape, 'data': data}
    elif answer.kind == 'error':
        head['error'] = {'type': answer.error_type, 'message': answer.message}
    else:
        raise ValueError(f'a {answer.kind} has no response line')
    return json.dumps(head)


def version_error_line(req: dict) -> str:
    return json.dumps({'seq': req.get('seq'), 'id': req.get('id'),
                       'error': {'type': 'ProtocolVersionError', 'message': f"protocol {req.get('protocol')} not spoken"}})
