"""pdot's exceptions (defined in Python so that one can derive from two built-ins)."""


class CollectiveError(ValueError):
    """A collective call (``comm=...``) failed: raised on every rank of the communicator,
    with the same message, so that no rank is left waiting. ``rank`` is the lowest rank
    that had the problem, or None when the ranks disagreed (on the accuracy, say). On the
    rank that rejected its own input, ``__cause__`` is its own TypeError or ValueError."""

    def __init__(self, message, rank=None):
        super().__init__(message)
        self.rank = rank


class CollectiveTypeError(CollectiveError, TypeError):
    """A CollectiveError whose cause is a rank's argument of the wrong type (an array of
    integers, say): caught by ``except TypeError`` as on one core."""


class MPIMismatchError(RuntimeError):
    """mpi4py and pdot use different MPI libraries (or mpi4py has not initialised the one
    pdot uses): pdot cannot use mpi4py's communicators. The message names both libraries
    and how to make them agree."""
