"""Small SQL expressions that SQLite and PostgreSQL spell differently, so that a job can put its
conditions in the query instead of filtering rows in Python: date arithmetic and reading one
integer out of a JSON text column."""
from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Date


class add_days(FunctionElement):
    """`date_expr + days_expr` as a date; days may be negative or a column."""
    type = Date()
    inherit_cache = True
    name = "add_days"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    # SQLite keeps a Date as 'YYYY-MM-DD' text; date() answers in the same form, so the
    # result compares with other date columns as text does, which is in date order.
    return "date(%s, printf('%%+d days', %s))" % (compiler.process(day, **kw), compiler.process(days, **kw))


@compiles(add_days, "postgresql")
def _add_days_pg(element, compiler, **kw):
    day, days = list(element.clauses)
    return "(CAST(%s AS DATE) + CAST(%s AS INTEGER))" % (compiler.process(day, **kw), compiler.process(days, **kw))


class json_int(FunctionElement):
    """The integer at a two-level path ('outer', 'inner') of a JSON text column; NULL when absent."""
    type = Integer()
    inherit_cache = True
    name = "json_int"


@compiles(json_int, "sqlite")
def _json_int_sqlite(element, compiler, **kw):
    column, outer, inner = list(element.clauses)
    return "CAST(json_extract(%s, '$.' || %s || '.' || %s) AS INTEGER)" % (
        compiler.process(column, **kw), compiler.process(outer, **kw), compiler.process(inner, **kw))


@compiles(json_int, "postgresql")
def _json_int_pg(element, compiler, **kw):
    column, outer, inner = list(element.clauses)
    return "CAST((CAST(%s AS JSON) -> %s ->> %s) AS INTEGER)" % (
        compiler.process(column, **kw), compiler.process(outer, **kw), compiler.process(inner, **kw))

