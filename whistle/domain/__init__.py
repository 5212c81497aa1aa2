"""The pure domain layer: case lifecycle, deadlines, regelingen and external routes.

No Flask, no database, no clock: functions take dates and facts and return decisions.
"""
