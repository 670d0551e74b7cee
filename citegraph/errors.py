"""The exception family: the CLI catches CitegraphError in one place."""


class CitegraphError(Exception):
    """Base class: something the user can fix; the message says how."""


class InputError(CitegraphError):
    """An input path or file cannot be read as articles."""


class ConfigError(CitegraphError):
    """A user-supplied data file (outlets, options) is invalid."""


class GoldFileError(CitegraphError):
    """A gold label file does not follow FORMAT.md."""


class BuildError(CitegraphError):
    """A build could not complete (strict mode skips, missing build output)."""


class StoreError(BuildError):
    """The build store in OUT cannot be used: not citegraph's, or not writable; the message says what to do."""


class OutputError(BuildError):
    """OUT cannot be written (a file in its place, no permission, a full disk); the message says which."""


class BusyError(BuildError):
    """Another citegraph process is writing to the same OUT."""
