"""The error raised for a video (or audio file) that cannot be used."""


class BadVideoError(RuntimeError):
    """A missing, unreadable, corrupt or empty media file, or one without a required audio stream.

    Datasets catch this error to apply their bad-data policy (counted skip during training, a raise naming
    every bad file at test time); anything else propagates unchanged.

    Args:
        path: The offending file.
        reason: What went wrong and how to fix it.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f'{path}: {reason}')
        self.path = path
        self.reason = reason
