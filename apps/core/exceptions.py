"""Domain exceptions. Services raise them; views and the API turn them into clear 4xx answers."""


class DomainError(Exception):
    """Base class: carries a message meant for the person who acted."""

    status_code = 400

    def __init__(self, message, *, code=None):
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.__class__.__name__


class InvalidInput(DomainError):
    status_code = 400

    def __init__(self, message, *, field=None, code=None):
        super().__init__(message, code=code)
        self.field = field


class OutOfScope(DomainError):
    """The actor may not touch this object; answered as 404 so nothing leaks."""

    status_code = 404


class NotPermitted(DomainError):
    """The actor can see the object but their role may not take this action."""

    status_code = 403


class TransitionNotAllowed(DomainError):
    """The object's current state does not allow the action (often: someone acted first)."""

    status_code = 409
