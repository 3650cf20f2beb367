"""The operations command line for a running system: `python -m infra.ops --help`.

It acts on the local stack (`make dev`), a deployed stack (`--stack NAME`) or any DynamoDB
(`--dynamodb-endpoint URL`); the commands are in cli.py.
"""
