#!/usr/bin/env python
"""Django's command-line utility for the Quality Portal."""

import os
import sys
from pathlib import Path


def main() -> None:
    """Run a management command with the project package on the path."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
