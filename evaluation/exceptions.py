"""Domain exceptions; their messages are Russian and shown to users."""


class EvaluationError(Exception):
    """Base class of the evaluation app's errors, with a Russian message."""


class NothingToPublishError(EvaluationError):
    """A campaign has no computed results to publish."""
