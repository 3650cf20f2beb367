"""Terminbuchung: online appointments for the Jobcenter's service centres.

The domain and model layer shared by every Lambda function (deployed as a layer).
Nothing here knows about API Gateway or Lambda events.
"""
