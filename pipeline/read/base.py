"""What every reader shares: the error a document that cannot be read raises."""


from pathlib import Path


class DocumentError(Exception):
    """A document that cannot be read; the message is the reason, in plain French."""


def document_bytes(source: Path | bytes) -> bytes:
    """A document's bytes: given as they are (read once by the caller, who hashed them), or read
    from a path (tests, `synergies debug`)."""
    return source if isinstance(source, bytes) else Path(source).read_bytes()
