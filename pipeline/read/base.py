"""What every reader shares: the error a document that cannot be read raises."""


class DocumentError(Exception):
    """A document that cannot be read; the message is the reason, in plain French."""
