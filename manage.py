#!/usr/bin/env python
"""Django's command-line utility; the installed `khuyencong` command does the same."""

from khuyencong.cli import main

if __name__ == "__main__":
    main()
