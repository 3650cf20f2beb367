"""E-mail to citizens about their bookings: confirmations, cancellations, notices, reminders.

The texts live in `templates/` (Jinja2), the calendar invite is built with `icalendar`, and
the message goes out through Amazon SES exactly once per booking and kind of message.
Nothing here knows about Lambda events: the functions hand in bookings and the clock.
"""
