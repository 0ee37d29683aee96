"""PEP 249 exceptions, picked from PostgreSQL's SQLSTATE classes as psycopg2 picks them."""


class Warning(Exception):  # noqa: A001 - the name PEP 249 gives it
    pass


class Error(Exception):
    """Every engine error: .sqlstate (also .pgcode, as psycopg2), .position (1-based character
    of the statement text, 0 = none), .detail, .hint, .table_name, .column_name, .constraint_name."""

    def __init__(self, message="", sqlstate="", position=0, detail="", hint="", table="", column="", constraint=""):
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate
        self.pgcode = sqlstate
        self.pgerror = message
        self.position = position
        self.detail = detail
        self.hint = hint
        self.table_name = table
        self.column_name = column
        self.constraint_name = constraint


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


# SQLSTATE class (its first two characters) -> exception class.
_BY_CLASS = {
    "0A": NotSupportedError,
    "08": OperationalError,
    "21": ProgrammingError,
    "22": DataError,
    "23": IntegrityError,
    "24": InternalError,
    "25": InternalError,
    "26": OperationalError,
    "27": OperationalError,
    "28": OperationalError,
    "2B": InternalError,
    "2D": InternalError,
    "2F": InternalError,
    "34": OperationalError,
    "38": InternalError,
    "3D": ProgrammingError,
    "3F": ProgrammingError,
    "40": OperationalError,
    "42": ProgrammingError,
    "44": ProgrammingError,
    "53": OperationalError,
    "54": OperationalError,
    "55": OperationalError,
    "57": OperationalError,
    "58": OperationalError,
    "F0": InternalError,
    "HV": OperationalError,
    "P0": InternalError,
    "XX": InternalError,
}


def class_for(sqlstate):
    return _BY_CLASS.get(sqlstate[:2], DatabaseError)


def from_engine(sqlstate, message, position, detail, hint, table, column, constraint):
    """Called by the C++ module for an engine error: the exception to raise."""
    return class_for(sqlstate)(message, sqlstate, position, detail, hint, table, column, constraint)
