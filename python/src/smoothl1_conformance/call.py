"""Finding the implementation under test and calling it the way the exec protocol does.

The calling convention (the same for the pytest plugin and ``python -m
smoothl1_conformance.serve``)::

    fn(logits, labels)                       # beta and reduction absent from the case
    fn(logits, labels, beta=b)               # only the arguments the case gives
    fn(logits, labels, beta=b, reduction=r)

A missing beta or reduction is left out of the call, so the implementation's own
defaults are what gets checked.  Tensors are numpy arrays (bfloat16:
:class:`~smoothl1_conformance.tensors.BFloat16Array`); other arguments are plain Python
values (float, int, bool, str, None, list).  A raised exception is an answer, reported by
its class name (``type(e).__name__``); returning something that is not a tensor is a
crash of the implementation.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from .check import Answer
from .tensors import NotATensor, tensor_of


class ImplementationNotFound(Exception):
    """The --smoothl1-impl / serve argument names nothing callable."""


def load_impl(spec: str):
    """The callable named by 'package.module:function' or 'path/to/file.py:function'.

    A dotted name after the colon reaches attributes ('module:Class.method').  The
    current directory is importable, as under ``python -m``.
    """
    module_part, sep, attr = spec.rpartition(':')
    if not sep or not module_part or not attr:
        raise ImplementationNotFound(f"{spec!r}: expected 'package.module:function' or 'path/to/file.py:function'")
    if module_part.endswith('.py') or os.sep in module_part or '/' in module_part:
        path = Path(module_part).resolve()
        if not path.is_file():
            raise ImplementationNotFound(f'{spec!r}: no such file {path}')
        name = f'smoothl1_impl_{path.stem}'
        mod_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module
        try:
            mod_spec.loader.exec_module(module)
        except Exception as e:
            del sys.modules[name]
            raise ImplementationNotFound(f'{spec!r}: importing {path} failed:\n{traceback.format_exc()}') from e
    else:
        if '' not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(module_part)
        except Exception as e:
            raise ImplementationNotFound(f'{spec!r}: cannot import {module_part}:\n{traceback.format_exc()}') from e
    obj = module
    for part in attr.split('.'):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImplementationNotFound(f'{spec!r}: {module_part} has no attribute {attr!r}') from None
    if not callable(obj):
        raise ImplementationNotFound(f'{spec!r}: {attr} is a {type(obj).__name__}, not callable')
    return obj


def call(fn, args: dict) -> Answer:
    """Calls fn on one case's arguments and turns what happened into an Answer."""
    kwargs = {k: args[k] for k in ('beta', 'reduction') if k in args}
    try:
        result = fn(args['logits'], args['labels'], **kwargs)
    except (KeyboardInterrupt, _Timeout):
        raise
    except Exception as e:  # a raised error is an answer, named by its class
        return Answer.error(type(e).__name__, str(e))
    except BaseException as e:  # SystemExit and the like: the implementation gave up
        return Answer('crash', message=f'the implementation raised {type(e).__name__}: {e}')
    try:
        dtype, shape, storage = tensor_of(result)
    except NotATensor as e:
        return Answer('crash', message=f'the implementation {e}')
    except Exception as e:  # an object whose __array__ or attributes misbehave
        return Answer('crash', message=f'reading what the implementation returned failed: {type(e).__name__}: {e}')
    return Answer.output(dtype, shape, storage)


class _Timeout(BaseException):
    """Raised inside the implementation when its time is up (not an Exception, so a broad
    ``except Exception`` in the implementation cannot swallow it)."""


def call_with_timeout(fn, args: dict, seconds: float) -> Answer:
    """call() with a time limit (SIGALRM; only in the main thread of a POSIX process,
    without a limit elsewhere).  Code that never returns to the interpreter (a C loop)
    cannot be interrupted this way; `smoothl1 run` with the serve module can kill it."""
    usable = seconds and seconds > 0 and hasattr(signal, 'setitimer') and threading.current_thread() is threading.main_thread()
    if not usable:
        return call(fn, args)

    def on_alarm(signum, frame):
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return call(fn, args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        return Answer('timeout', message=f'no answer within {seconds:g} s')
    finally:
        signal.signal(signal.SIGALRM, old)
