#!/usr/bin/env python3
"""test_hub_report.py again, against a hub on PostgreSQL 15 (tests/system/pglib.py
starts a throwaway server as an unprivileged user and stops it at the end):
one behaviour on both backends.

Ends with the line "N passed, N failed".
"""
import os
import sys

os.environ["MOTCUA_TEST_HUB_BACKEND"] = "postgresql"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_hub_report  # noqa: E402
from runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(test_hub_report.session))
