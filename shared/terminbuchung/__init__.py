"""Terminbuchung: online appointments for the Jobcenter's service centres.

The domain and model layer shared by every Lambda function (deployed as a layer).
Nothing here knows about API Gateway or Lambda events.
"""

from terminbuchung.cold_start import pause_collection

# First thing every function's first import of ours does (terminbuchung.cold_start).
pause_collection()
