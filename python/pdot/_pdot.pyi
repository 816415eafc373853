"""Type stubs of pdot's extension module (see the package pdot for the documentation)."""

from typing import Literal, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

Accuracy = Literal["fast", "compensated", "exact"]
FloatArray = Union[npt.NDArray[np.float64], npt.NDArray[np.float32]]
DType = Union[None, str, type, np.dtype]

DETACH_MIN: int

def dot(
    x: FloatArray,
    y: FloatArray,
    accuracy: Accuracy = "fast",
    *,
    dtype: DType = None,
    comm: Optional[object] = None,
) -> float:
    """x · y (see pdot.dot's docstring)."""

def mdot(
    x: FloatArray,
    ys: Union[Sequence[FloatArray], FloatArray],
    accuracy: Accuracy = "fast",
    *,
    dtype: DType = None,
    comm: Optional[object] = None,
) -> FloatArray:
    """x · ys[j] for every j, as an array."""

def nrm2(
    x: FloatArray,
    accuracy: Accuracy = "fast",
    *,
    dtype: DType = None,
    comm: Optional[object] = None,
) -> float:
    """The Euclidean norm of x."""

class Pending:
    """A split-phase collective dot product in flight."""

    def test(self) -> bool:
        """Advances the reduction; True once finish() would return at once."""
    def finish(self) -> Union[float, FloatArray]:
        """The result (float for dot_begin, array for mdot_begin); raises on every rank."""

def dot_begin(
    x: FloatArray,
    y: FloatArray,
    accuracy: Accuracy = "fast",
    *,
    dtype: DType = None,
    comm: object,
) -> Pending:
    """Starts the collective pdot.dot; finish() gives its result."""

def mdot_begin(
    x: FloatArray,
    ys: Union[Sequence[FloatArray], FloatArray],
    accuracy: Accuracy = "fast",
    *,
    dtype: DType = None,
    comm: object,
) -> Pending:
    """Starts the collective pdot.mdot; finish() gives its result."""

def mpi_library_version() -> str:
    """The version string of the MPI library this build calls."""

def mpi_library_path() -> Optional[str]:
    """The file of the MPI library this build calls."""
