"""`python -m infra.ops`: the entry point ops use (see README.md, Operations)."""

import sys

from infra.ops.cli import main

sys.exit(main())
