"""The pure domain layer: case states and lifecycle, deadlines, regelingen, external routes,
staff roles and offices, and the fields of a report.

No Flask, no database, no clock: functions take dates and facts and return decisions.
"""
