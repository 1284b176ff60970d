"""Serve a Python function over the suite's exec protocol, so that ``smoothl1 run`` can
check it in a process of its own (a crash or a hang then fails one case, not the run):

    npx smoothl1 run --runner exec --command "python3 -m smoothl1_conformance.serve mypkg.mod:smooth_l1_loss"

The function is called as the pytest plugin calls it (see smoothl1_conformance.call).
Or from your own script: ``serve(smooth_l1_loss, name='mine', version='1.0')``.

What the function prints goes to stderr (the suite shows its tail in crash reports):
stdout carries the protocol only.  A returned value that is not a tensor ends the
process with exit code 3 and a message on stderr, which the suite reports as a crash
of that case, as the pytest plugin does.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from . import protocol
from .call import ImplementationNotFound, call, load_impl

EXIT_NOT_A_TENSOR = 3


def _protocol_stream():
    """The real stdout for the protocol; fd 1 and sys.stdout then go to stderr, so that
    whatever the implementation prints (from Python or C) cannot corrupt the protocol."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), 'w', encoding='utf-8', buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def serve(fn, name: str = None, version: str = None, stdin=None, stdout=None) -> int:
    """Answer requests from stdin until it ends; returns the exit code."""
    inp = stdin if stdin is not None else sys.stdin
    out = stdout if stdout is not None else _protocol_stream()
    if name:
        out.write(protocol.hello(name, version or 'unknown') + '\n')
        out.flush()
    for line in inp:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get('protocol') != protocol.VERSION:
            out.write(protocol.version_error_line(req) + '\n')
            out.flush()
            continue
        answer = call(fn, protocol.decode_args(req))
        if answer.kind not in ('output', 'error'):
            sys.stderr.write(f'smoothl1_conformance.serve: case {req.get("id")}: {answer.message}\n')
            sys.stderr.flush()
            return EXIT_NOT_A_TENSOR
        out.write(protocol.answer_line(req, answer) + '\n')
        out.flush()
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog='python -m smoothl1_conformance.serve',
        description='Serve a SmoothL1Loss implementation over smoothl1 exec protocol 1 (stdin/stdout JSON lines).')
    ap.add_argument('impl', help="'package.module:function' or 'path/to/file.py:function'")
    ap.add_argument('--name', help='implementation name for reports (default: the impl argument)')
    ap.add_argument('--version', dest='impl_version', default='unknown', help='implementation version for reports')
    a = ap.parse_args(argv)
    try:
        fn = load_impl(a.impl)
    except ImplementationNotFound as e:
        sys.stderr.write(f'smoothl1_conformance.serve: {e}\n')
        return 2
    return serve(fn, name=a.name or a.impl, version=a.impl_version)


if __name__ == '__main__':
    sys.exit(main())
