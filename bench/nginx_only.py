"""`python -m bench.nginx_only`: only step (g) of `make bench`, the tiles in the nginx deployment
(`bench/nginx_deployment.py`); the same as `python -m bench.single_step nginx`."""

from __future__ import annotations

import sys

from . import single_step

if __name__ == "__main__":
    sys.exit(single_step.main(["nginx", *sys.argv[1:]]))
