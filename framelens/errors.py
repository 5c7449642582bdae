"""Named exceptions. Each message is one line that names the file and the fix.

The CLI turns any :class:`FramelensError` into ``framelens: error: <message>``
and exit status 2; library users catch them by name.
"""


class FramelensError(Exception):
    """Base class: ``str(error)`` is the one-line message shown to users."""


class InputError(FramelensError):
    """A corpus input is missing, empty, binary, undecodable or malformed."""


class LabelError(FramelensError):
    """A labels file is malformed or inconsistent."""


class CodebookError(LabelError):
    """A codebook (codebook.toml or label_set.txt) is malformed."""


class MissingDependencyError(FramelensError):
    """An optional dependency (an extra) is not installed."""


class ModelError(FramelensError):
    """A model directory is missing, incompatible or has been changed."""


class ModelMissingError(ModelError):
    """No model at the given directory."""


class ModelIntegrityError(ModelError):
    """The artifact does not match the sha256 recorded in its card."""


class ModelVersionError(ModelError):
    """The model was written by another scikit-learn version."""


class SplitterError(FramelensError):
    """The requested sentence-splitter parameters are unknown or not installed."""


class OutputError(FramelensError):
    """An output path cannot be written."""


class EngineError(FramelensError):
    """An execution engine is unavailable or misconfigured."""


class ReportError(FramelensError):
    """There is nothing to report, or the report cannot be written."""
