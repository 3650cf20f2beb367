"""`python -m infra.local`: the local stack, as `make dev` starts it."""

from infra.local.stack import main

main()
