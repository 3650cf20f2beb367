"""The local stack behind `make dev`: the whole system on one machine, without Docker.

    python -m infra.local [--port 3000] [--dynamodb-endpoint http://localhost:8000]

stack.py serves template.yaml's routes over HTTP and the booking page (static_site.py);
lambda_runtime.py runs the handlers as Lambda does and http_events.py builds their events;
stream_poller.py with event_filter.py feeds the table's stream to the e-mail function;
dev_mail.py and dev_outbox.py keep what moto's SES sent at /_dev/outbox. For development
and tests only: nothing here is deployed, and the ops command line (infra.ops) does not
depend on it.
"""
