"""CartStart wire protocol: message models for every channel, errors, and stream bookkeeping."""

from .codec import Channel, encode, parse, parse_command
from .errors import ErrorCode, ProtocolError
from .session import PROTOCOL_VERSION, SUPPORTED_VERSIONS, negotiate_version

__all__ = [
    "PROTOCOL_VERSION",
    "SUPPORTED_VERSIONS",
    "Channel",
    "ErrorCode",
    "ProtocolError",
    "encode",
    "negotiate_version",
    "parse",
    "parse_command",
]
