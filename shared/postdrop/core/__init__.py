"""The pure core: bytes in, NormalizedPost out. No boto3, no I/O, no mutable globals."""
