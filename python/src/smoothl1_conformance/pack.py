"""Reading a conformance pack (format smoothl1-pack/1, defined by the pack's README.md,
the suite's spec/pack.md): its manifest, its cases' arguments and accepted outcomes.

Problems with a pack are reported as :class:`PackError`, naming the file and field.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import floats
from .tensors import STORAGE, make_tensor

PACK_FORMAT = 'smoothl1-pack/2'
ARG_NAMES = ('logits', 'labels', 'beta', 'reduction')


class PackError(Exception):
    """The pack is missing, of another format, inconsistent or damaged."""


def default_pack_path() -> Path:
    """The pack installed with this package (built from the suite's corpus)."""
    return Path(__file__).resolve().parent / 'pack'


def _need(obj, key, where, types):
    if not isinstance(obj, dict) or key not in obj:
        raise PackError(f'{where}: missing "{key}"')
    v = obj[key]
    if not isinstance(v, types):
        raise PackError(f'{where}: "{key}" has the wrong type ({type(v).__name__})')
    return v


class Pack:
    """A conformance pack in a folder."""

    def __init__(self, root=None):
        self.root = Path(root) if root is not None else default_pack_path()
        mpath = self.root / 'manifest.json'
        try:
            manifest = json.loads(mpath.read_text(encoding='utf-8'))
        except FileNotFoundError:
            raise PackError(f'{mpath}: no such file: {self.root} is not a conformance pack '
                            '(write one with `smoothl1 pack --out <dir>`)') from None
        except (OSError, ValueError) as e:
            raise PackError(f'{mpath}: cannot read it: {e}') from None
        fmt = manifest.get('format') if isinstance(manifest, dict) else None
        if fmt != PACK_FORMAT:
            raise PackError(f'{mpath}: format {fmt!r} is not {PACK_FORMAT!r}, the one this reader knows '
                            '(a newer smoothl1_conformance may read it)')
        self.manifest = manifest
        where = str(mpath)
        self.case_ids = list(_need(manifest, 'cases', where, list))
        self.profiles = list(_need(manifest, 'profiles', where, list))
        self.levels = list(_need(manifest, 'levels', where, list))
        self.default_level = _need(manifest, 'defaultLevel', where, str)
        self.suite_version = _need(_need(manifest, 'suite', where, dict), 'version', where + ' suite', str)
        self.corpus_hash = _need(manifest, 'corpusHash', where, str)
        self.dtypes = _need(manifest, 'dtypes', where, dict)
        self.formats = floats.formats_of(self.dtypes)
        self._cases = {}

    def __repr__(self) -> str:
        return f'Pack({str(self.root)!r}: {len(self.case_ids)} cases, profiles {self.profiles}, levels {self.levels})'

    def case(self, case_id: str) -> 'Case':
        c = self._cases.get(case_id)
        if c is None:
            if case_id not in self.case_ids:
                raise PackError(f'{self.root}: no case {case_id!r}')
            path = self.root / 'cases' / (case_id + '.json')
            try:
                doc = json.loads(path.read_text(encoding='utf-8'))
            except (OSError, ValueError) as e:
                raise PackError(f'{path}: cannot read case {case_id!r}: {e}') from None
            c = self._cases[case_id] = Case(self, case_id, doc, str(path))
        return c

    def cases(self):
        return [self.case(i) for i in self.case_ids]

    def read(self, rel: str, dtype: str, shape, where: str):
        """A pack data file's elements in the dtype's storage, flat."""
        path = self._path(rel, where)
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise PackError(f'{where}: cannot read {rel}: {e}') from None
        storage = STORAGE[dtype]
        n = _numel(shape)
        if len(raw) != n * storage.itemsize:
            raise PackError(f'{where}: {rel} has {len(raw)} bytes, but {n} {dtype} elements need {n * storage.itemsize}')
        import numpy as np
        return np.frombuffer(raw, dtype=storage)

    def read_tensor(self, rel: str, dtype: str, shape, where: str):
        """A fresh, writable tensor argument (numpy array; bfloat16 as BFloat16Array)."""
        path = self._path(rel, where)
        try:
            return make_tensor(dtype, shape, path.read_bytes())
        except (OSError, ValueError) as e:
            raise PackError(f'{where}: {rel}: {e}') from None

    def _path(self, rel, where) -> Path:
        if not isinstance(rel, str) or not rel.startswith('cases/') or '..' in rel.split('/'):
            raise PackError(f'{where}: {rel!r} is not a data file path of the pack (cases/...)')
        return self.root.joinpath(*rel.split('/'))

    def verify(self) -> None:
        """Checks every file against the manifest's count, size and contentSha256."""
        files = []
        for dirpath, _dirs, names in os.walk(self.root):
            for name in names:
                p = Path(dirpath) / name
                rel = p.relative_to(self.root).as_posix()
                if rel != 'manifest.json':
                    files.append(rel)
        files.sort(key=lambda s: s.encode('utf-16-be'))  # code-unit order, as the writer sorts
        h = hashlib.sha256()
        total = 0
        for rel in files:
            data = (self.root / rel).read_bytes()
            total += len(data)
            h.update(rel.encode('utf-8') + b'\0' + data + b'\0')
        m = self.manifest
        if len(files) != m.get('files') or total != m.get('bytes') or h.hexdigest() != m.get('contentSha256'):
            raise PackError(f'{self.root}: the pack is damaged or was changed after it was written: '
                            f'{len(files)} files, {total} bytes, sha256 {h.hexdigest()}; the manifest says '
                            f'{m.get("files")} files, {m.get("bytes")} bytes, sha256 {m.get("contentSha256")}')


def _numel(shape) -> int:
    n = 1
    for s in shape:
        n *= int(s)
    return n


class Case:
    """One case of a pack: arguments and, per profile, the accepted outcome."""

    def __init__(self, pack: Pack, case_id: str, doc: dict, where: str):
        self.pack, self.id, self.where = pack, case_id, where
        if _need(doc, 'id', where, str) != case_id:
            raise PackError(f'{where}: "id" is {doc["id"]!r}, expected {case_id!r}')
        self.title = _need(doc, 'title', where, str)
        self.tags = list(doc.get('tags', []))
        self.args_json = _need(doc, 'args', where, dict)
        for name in ('logits', 'labels'):
            _need(self.args_json, name, where + ' args', dict)
        self.expected = _need(doc, 'expected', where, dict)

    def __repr__(self) -> str:
        return f'Case({self.id!r})'

    def outcome(self, profile: str):
        """The accepted outcome under a profile, or None when the case does not apply there."""
        return self.expected.get(profile)

    def args(self) -> dict:
        """The call's arguments by name, fresh on every call; a missing beta or reduction is absent."""
        out = {}
        for name in ARG_NAMES:
            if name in self.args_json:
                out[name] = self._value(self.args_json[name], f'{self.where} args.{name}')
        return out

    def _value(self, v: dict, where: str):
        t = _need(v, 'type', where, str)
        if t == 'tensor':
            dtype = _need(v, 'dtype', where, str)
            if dtype not in STORAGE:
                raise PackError(f'{where}: unknown dtype {dtype!r}')
            return self.pack.read_tensor(_need(v, 'data', where, str), dtype, _need(v, 'shape', where, list), where)
        if t == 'float':
            return float(_need(v, 'value', where, str))  # 'nan', 'inf', '-inf', '-0.0' parse too
        if t == 'int':
            return int(_need(v, 'value', where, str))
        if t == 'bool':
            return bool(_need(v, 'value', where, bool))
        if t == 'str':
            return _need(v, 'value', where, str)
        if t == 'none':
            return None
        if t == 'list':
            return json.loads(json.dumps(_need(v, 'value', where, list)))  # a fresh copy
        raise PackError(f'{where}: unknown value type {t!r}')
