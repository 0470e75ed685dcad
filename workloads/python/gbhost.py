"""gbhost.py: the script gilbench runs in a Python interpreter (PYTHON gbhost.py) to make it a Python
host; everything is in gilbench/host.py, beside this file (docs/python-host.md)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

if __name__ == "__main__":
    from gilbench import host
    sys.exit(host.main())
