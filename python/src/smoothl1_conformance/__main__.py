"""``python -m smoothl1_conformance [PACK]``: what is installed, and whether the pack is intact."""
import sys

from . import __version__
from .pack import Pack, PackError


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ('-h', '--help'):
        print(__doc__.strip())
        print('Check an implementation: pytest --smoothl1-impl mypkg.mod:smooth_l1_loss (see pytest --help)')
        return 0
    try:
        pack = Pack(argv[0] if argv else None)
        pack.verify()
    except PackError as e:
        print(f'smoothl1_conformance {__version__}: {e}', file=sys.stderr)
        return 1
    m = pack.manifest
    print(f'smoothl1_conformance {__version__}')
    print(f'pack {pack.root}: {len(pack.case_ids)} cases, profiles {", ".join(pack.profiles)}, '
          f'levels {", ".join(pack.levels)} (default {pack.default_level}); suite {pack.suite_version}, '
          f'corpus {pack.corpus_hash}; {m["files"]} files, {m["bytes"]} bytes, intact')
    return 0


if __name__ == '__main__':
    sys.exit(main())
