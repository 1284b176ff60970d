"""Expectations files: an implementation's known failures, in the format ``smoothl1 run
--expectations`` reads (the suite's spec/expectations.schema.json)::

    {"expectations": [{"id": "beta/zero-*", "reason": "...", "profiles": ["cpu"],
                       "statuses": ["unexpected-error"]}]}

The first entry that applies to a case wins.  An entry applies to a failure when its id
glob matches the case, its profiles (default all) include the profile and its statuses
(default any failure) include the failure's status; a failure it covers is expected, and
a listed case that passes is an unexpected pass (strict xfail).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import List, Optional

PROFILES = ('cpu', 'gpu', 'ascend')
FAILURE_STATUSES = ('wrong-value', 'wrong-dtype', 'wrong-shape', 'wrong-error-type', 'missing-error',
                    'unexpected-error', 'crash', 'timeout')


class ExpectationsError(Exception):
    """The file is missing or does not follow spec/expectations.schema.json."""


def glob_to_regex(glob: str):
    """'*' any run within one path segment, '**' any run across segments ('a/**/b' also
    matches 'a/b'), '?' one character other than '/'."""
    out, i = '', 0
    while i < len(glob):
        ch = glob[i]
        if ch == '*':
            if glob[i + 1:i + 2] == '*':
                if glob[i + 2:i + 3] == '/':
                    out += '(?:.*/)?'
                    i += 3
                    continue
                out += '.*'
                i += 2
                continue
            out += '[^/]*'
        elif ch == '?':
            out += '[^/]'
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(f'^{out}$', re.DOTALL)


@dataclass
class Entry:
    id: str
    reason: str
    profiles: Optional[List[str]] = None
    statuses: Optional[List[str]] = None
    pattern: object = None
    used: bool = False

    def applies(self, case_id: str, profile: str, status: str) -> bool:
        if not self.pattern.match(case_id):
            return False
        if self.profiles is not None and profile not in self.profiles:
            return False
        return status == 'pass' or self.statuses is None or status in self.statuses


@dataclass
class Expectations:
    file: str
    entries: List[Entry] = field(default_factory=list)

    def entry_for(self, case_id: str, profile: str, status: str) -> Optional[Entry]:
        """The entry deciding a case's status (marked used), or None."""
        for e in self.entries:
            if e.applies(case_id, profile, status):
                e.used = True
                return e
        return None

    def candidates(self, case_id: str, profile: str) -> List[Entry]:
        """Entries that may apply to the case, whatever its status."""
        return [e for e in self.entries if e.pattern.match(case_id) and (e.profiles is None or profile in e.profiles)]

    def unused(self) -> List[str]:
        return [e.id for e in self.entries if not e.used]


def _list_of(file, where, value, allowed):
    if not isinstance(value, list) or not value:
        raise ExpectationsError(f'{file}: {where} must be a non-empty list')
    for v in value:
        if v not in allowed:
            raise ExpectationsError(f'{file}: {where}: {v!r} is not one of {", ".join(allowed)}')
    if len(set(value)) != len(value):
        raise ExpectationsError(f'{file}: {where} lists a value twice')
    return list(value)


def parse_expectations(file: str, text: str) -> Expectations:
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ExpectationsError(f'{file}: not valid JSON: {e}') from None
    if not isinstance(doc, dict):
        raise ExpectationsError(f'{file}: (top level) must be an object with "expectations"')
    extra = set(doc) - {'$schema', '$comment', 'expectations'}
    if extra:
        raise ExpectationsError(f'{file}: (top level) has unknown key(s) {", ".join(sorted(extra))}')
    items = doc.get('expectations')
    if not isinstance(items, list):
        raise ExpectationsError(f'{file}: /expectations must be a list')
    entries = []
    for k, item in enumerate(items):
        where = f'/expectations/{k}'
        if not isinstance(item, dict):
            raise ExpectationsError(f'{file}: {where} must be an object')
        extra = set(item) - {'id', 'reason', 'profiles', 'statuses'}
        if extra:
            raise ExpectationsError(f'{file}: {where} has unknown key(s) {", ".join(sorted(extra))}')
        for key in ('id', 'reason'):
            if not isinstance(item.get(key), str) or not item[key]:
                raise ExpectationsError(f'{file}: {where}/{key} must be a non-empty string')
        e = Entry(item['id'], item['reason'], pattern=glob_to_regex(item['id']))
        if 'profiles' in item:
            e.profiles = _list_of(file, f'{where}/profiles', item['profiles'], PROFILES)
        if 'statuses' in item:
            e.statuses = _list_of(file, f'{where}/statuses', item['statuses'], FAILURE_STATUSES)
        entries.append(e)
    return Expectations(file, entries)


def load_expectations(file: str) -> Expectations:
    try:
        with open(file, encoding='utf-8') as f:
            text = f.read()
    except OSError as e:
        raise ExpectationsError(f'cannot read expectations file {file}: {e.strerror or e}') from None
    return parse_expectations(file, text)
