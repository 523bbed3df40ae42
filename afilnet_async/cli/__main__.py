"""``python -m afilnet_async.cli``: the ``afilnet`` command."""

import sys

from . import main

sys.exit(main())
