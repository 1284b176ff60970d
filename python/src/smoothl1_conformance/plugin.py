"""The pytest plugin: one test per case of a conformance pack, checking a Python function.

    pytest --smoothl1-impl mypkg.mod:smooth_l1_loss [--smoothl1-profile cpu]
           [--smoothl1-tolerance standard] [--smoothl1-pack DIR] [--smoothl1-xfails FILE]

Without --smoothl1-impl the plugin does nothing.  With it, pytest runs one test per case
(test id ``smoothl1::<case id>``, e.g. ``smoothl1::beta/zero-float32``) and, when no paths
are given on the command line, nothing else; give paths to run your own tests too.
``-k``, ``-x``, ``--junitxml`` and the rest work as usual; each JUnit test case carries
the suite's status as the property ``smoothl1_status`` (and ``smoothl1_observed`` where
an expectations entry changed it).  Verdicts are those of ``smoothl1 run`` on the same
implementation: same statuses, same expectations file format (strict xfail).
"""
from __future__ import annotations

import shlex

import pytest

from . import __version__
from .call import ImplementationNotFound, call_with_timeout, load_impl
from .check import judge
from .expectations import ExpectationsError, load_expectations
from .pack import Pack, PackError, default_pack_path
from .report import failure_text

SUITE_NODE = 'smoothl1'
DEFAULT_PROFILE = 'cpu'
DEFAULT_TIMEOUT_S = 30.0


class ConformanceFailure(AssertionError):
    """A case's answer was not accepted (its .status is the suite's status)."""

    def __init__(self, status: str, text: str):
        super().__init__(text)
        self.status = status


def pytest_addoption(parser):
    g = parser.getgroup('smoothl1', 'SmoothL1Loss conformance (smoothl1_conformance)')
    g.addoption('--smoothl1-impl', metavar='MODULE:FUNCTION',
                help="the implementation to check: 'package.module:function' or 'path/to/file.py:function', "
                     'called as fn(logits, labels[, beta=][, reduction=]) with numpy arrays')
    g.addoption('--smoothl1-profile', metavar='PROFILE', default=None,
                help=f'platform profile whose documented behaviour is checked: cpu, gpu or ascend (default {DEFAULT_PROFILE})')
    g.addoption('--smoothl1-tolerance', metavar='LEVEL', default=None,
                help="acceptance level: 'strict' or 'standard' (default: the pack's default, standard)")
    g.addoption('--smoothl1-pack', metavar='DIR', default=None,
                help='conformance pack folder (default: the pack installed with smoothl1_conformance)')
    g.addoption('--smoothl1-xfails', metavar='FILE', default=None,
                help='expectations file of known failures (the format of smoothl1 run --expectations): strict xfail')
    g.addoption('--smoothl1-case', metavar='GLOB', action='append', default=[],
                help="run only cases whose id matches this glob ('beta/*', 'large/**'); repeatable (any match)")
    g.addoption('--smoothl1-timeout', metavar='SECONDS', type=float, default=DEFAULT_TIMEOUT_S,
                help=f'time limit per call (default {DEFAULT_TIMEOUT_S:g}; 0 = none)')


class _State:
    """What one pytest session checks: pack, implementation, profile, level, expectations."""

    def __init__(self, config):
        opt = config.getoption
        self.impl_spec = opt('--smoothl1-impl')
        try:
            self.pack = Pack(opt('--smoothl1-pack')) if opt('--smoothl1-pack') else Pack(default_pack_path())
            self.pack.verify()
        except PackError as e:
            raise pytest.UsageError(f'--smoothl1-pack: {e}') from None
        self.profile = opt('--smoothl1-profile') or DEFAULT_PROFILE
        if self.profile not in self.pack.profiles:
            raise pytest.UsageError(f"--smoothl1-profile: unknown profile '{self.profile}'; the pack has {', '.join(self.pack.profiles)}")
        self.level = opt('--smoothl1-tolerance') or self.pack.default_level
        if self.level not in self.pack.levels:
            raise pytest.UsageError(f"--smoothl1-tolerance: unknown level '{self.level}'; the pack has {', '.join(self.pack.levels)}")
        self.expectations = None
        if opt('--smoothl1-xfails'):
            try:
                self.expectations = load_expectations(opt('--smoothl1-xfails'))
            except ExpectationsError as e:
                raise pytest.UsageError(f'--smoothl1-xfails: {e}') from None
        self.globs = list(opt('--smoothl1-case'))
        self.timeout = opt('--smoothl1-timeout')
        try:
            self.fn = load_impl(self.impl_spec)
        except ImplementationNotFound as e:
            raise pytest.UsageError(f'--smoothl1-impl: {e}') from None
        self.rerun = self._rerun_prefix(config)

    def _rerun_prefix(self, config) -> str:
        opt = config.getoption
        parts = ['pytest', '--smoothl1-impl', shlex.quote(self.impl_spec), '--smoothl1-profile', self.profile,
                 '--smoothl1-tolerance', self.level]
        if opt('--smoothl1-pack'):
            parts += ['--smoothl1-pack', shlex.quote(opt('--smoothl1-pack'))]
        if opt('--smoothl1-xfails'):
            parts += ['--smoothl1-xfails', shlex.quote(opt('--smoothl1-xfails'))]
        return ' '.join(parts)

    def selected_ids(self):
        ids = self.pack.case_ids
        if not self.globs:
            return ids
        from .expectations import glob_to_regex
        for g in self.globs:
            if not any(glob_to_regex(g).match(i) for i in ids):
                raise pytest.UsageError(f"--smoothl1-case '{g}' matches no case of the pack")
        pats = [glob_to_regex(g) for g in self.globs]
        return [i for i in ids if any(p.match(i) for p in pats)]


_STATE = pytest.StashKey()


def pytest_configure(config):
    config.addinivalue_line('markers', 'smoothl1: a SmoothL1Loss conformance case (smoothl1_conformance)')
    if config.getoption('--smoothl1-impl'):
        config.stash[_STATE] = _State(config)


def _state(config):
    return config.stash.get(_STATE, None)


def pytest_report_header(config):
    s = _state(config)
    if s is None:
        return None
    xf = f', expectations {s.expectations.file}' if s.expectations else ''
    return (f'smoothl1-conformance {__version__}: {s.impl_spec}, profile {s.profile}, tolerance {s.level}{xf}; '
            f'pack {s.pack.root} ({len(s.pack.case_ids)} cases, corpus {s.pack.corpus_hash[:12]})')


def pytest_ignore_collect(collection_path, config):
    # `pytest --smoothl1-impl X` with no paths runs the conformance cases only.
    s = _state(config)
    if s is not None and not _paths_given(config):
        return True
    return None


def _paths_given(config) -> bool:
    source = getattr(config, 'args_source', None)  # pytest >= 7.2
    if source is not None:
        return source == pytest.Config.ArgsSource.ARGS
    return config.args != [str(config.invocation_params.dir)]


class SmoothL1Suite(pytest.Collector):
    def collect(self):
        s = _state(self.config)
        return [CaseItem.from_parent(self, name=case_id) for case_id in s.selected_ids()]


class CaseItem(pytest.Item):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        s = _state(self.config)
        self.case = s.pack.case(self.name)
        self.add_marker(pytest.mark.smoothl1)
        if self.case.outcome(s.profile) is None:
            profiles = ', '.join(self.case.expected) or 'none'
            self.add_marker(pytest.mark.skip(reason=f'the case applies only to profile(s) {profiles}'))
            self.user_properties.append(('smoothl1_status', 'skipped'))

    def reportinfo(self):
        return self.path, 0, f'{SUITE_NODE}::{self.name}'

    def runtest(self):
        s = _state(self.config)
        case = self.case
        outcome = case.outcome(s.profile)
        answer = call_with_timeout(s.fn, case.args(), s.timeout)
        verdict = judge(case, outcome, answer, s.level)
        status = verdict.status
        entry = s.expectations.entry_for(case.id, s.profile, status) if s.expectations else None
        if verdict.max_ulp_error is not None:
            self.user_properties.append(('smoothl1_max_ulp', repr(verdict.max_ulp_error)))
        if verdict.failed_count:
            self.user_properties.append(('smoothl1_failed_elements', str(verdict.failed_count)))
        if status == 'wrong-value':
            self.user_properties.append(('smoothl1_reason', verdict.reason))
        rerun = f"{s.rerun} --smoothl1-case {shlex.quote(case.id)}"
        if entry is not None:
            final = 'unexpected-pass' if status == 'pass' else 'expected-failure'
            self.user_properties += [('smoothl1_status', final), ('smoothl1_observed', status)]
            if status == 'pass':
                raise ConformanceFailure(final, '\n'.join([
                    f'UNEXPECTED-PASS  {case.id}',
                    f'  reason:   listed as a known failure ({entry.reason}) but passed: remove it from {s.expectations.file}',
                    f'  rerun:    {rerun}']))
            pytest.xfail(f'known failure ({entry.reason}): {status}: {verdict.reason}')
        self.user_properties.append(('smoothl1_status', status))
        if status != 'pass':
            raise ConformanceFailure(status, failure_text(case, verdict, answer, rerun))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    # Runs before -k/-m deselection and --lf, which then apply to the cases as to any test.
    s = _state(config)
    if s is None:
        return
    suite = SmoothL1Suite.from_parent(session, name=SUITE_NODE, nodeid=SUITE_NODE)
    cases = suite.collect()
    session.ihook.pytest_collectreport(report=pytest.CollectReport(suite.nodeid, 'passed', None, cases))
    items.extend(cases)


def pytest_terminal_summary(terminalreporter, config):
    s = _state(config)
    if s is None or s.expectations is None:
        return
    unused = s.expectations.unused()
    if unused and not s.globs and not config.getoption('keyword') and not config.getoption('maxfail'):
        terminalreporter.write_line(f'smoothl1: entries of {s.expectations.file} that matched no case: {", ".join(unused)}', yellow=True)
