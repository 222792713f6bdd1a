import sys

from tui_report.cli import main

sys.exit(main())
