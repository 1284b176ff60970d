"""SmoothL1Loss conformance for Python: a frozen conformance pack with exact acceptance
intervals, the checker that applies them, and a pytest plugin.

    pytest --smoothl1-impl mypkg.mod:smooth_l1_loss

Programmatic use::

    from smoothl1_conformance import Pack, call, judge
    pack = Pack()                          # the pack installed with this package
    case = pack.case('beta/zero-float32')
    answer = call(my_fn, case.args())      # calls my_fn(logits, labels[, beta=][, reduction=])
    verdict = judge(case, case.outcome('cpu'), answer, 'standard')
    print(verdict.status, verdict.reason)
"""
__version__ = '0.1.0'

from .call import call, call_with_timeout, load_impl  # noqa: E402
from .check import Answer, Verdict, judge  # noqa: E402
from .expectations import load_expectations  # noqa: E402
from .pack import Case, Pack, PackError, default_pack_path  # noqa: E402
from .report import failure_text  # noqa: E402
from .tensors import BFloat16Array, dtype_name, from_bfloat16, to_bfloat16  # noqa: E402

__all__ = [
    'Answer', 'BFloat16Array', 'Case', 'Pack', 'PackError', 'Verdict', 'call', 'call_with_timeout',
    'default_pack_path', 'dtype_name', 'failure_text', 'from_bfloat16', 'judge', 'load_expectations',
    'load_impl', 'to_bfloat16',
]
