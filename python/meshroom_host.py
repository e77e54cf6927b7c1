"""Entry point meshroom runs (``python3 -B meshroom_host.py``); see meshroom/_host.py."""
import sys

sys.dont_write_bytecode = True  # never write __pycache__ into a project's product folders

if sys.version_info < (3, 9):
    sys.stderr.write("meshroom's Python hooks need Python 3.9 or later; this is %d.%d\n" % sys.version_info[:2])
    sys.exit(3)

from meshroom._host import main  # noqa: E402

main()
