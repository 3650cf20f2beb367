"""What runs the system outside AWS, split by what it is.

local/       the local stack behind `make dev` and the tests (`python -m infra.local`)
ops/         the operations command line (`python -m infra.ops`)
template.py  the reader of template.yaml: routes, functions and table as deployed, for the
             local stack and for tests that need the table without the local stack
"""
