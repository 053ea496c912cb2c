"""Domain errors raised by services, and their one JSON shape {"error": {"code", "message"}}."""


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.details = details

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        body.update(self.details)
        return {"error": body}


class BadRequest(DomainError):
    """The request could not be read."""

    status = 400
    code = "invalid"


class Unauthenticated(DomainError):
    """Sign in first."""

    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    """You may not do that."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """Not found."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """That cannot be done in the current state."""

    status = 409
    code = "conflict"


class TooLarge(DomainError):
    """The request is too large."""

    status = 413
    code = "too_large"


class Invalid(DomainError):
    """Some field values are not valid."""

    status = 422
    code = "invalid"

    def __init__(self, message: str = "", fields: dict | None = None):
        super().__init__(message or "Some field values are not valid.")
        if fields:
            self.details["fields"] = fields


class RateLimited(DomainError):
    """Too many requests; slow down."""

    status = 429
    code = "rate_limited"


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}
