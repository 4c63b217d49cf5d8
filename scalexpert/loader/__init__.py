"""Reading architecture files into validated models with source positions."""

from .load import LoadedArchitecture, load_file, load_text, merge, read_text, validate
from .yamlsource import Limits, Position, SourceMap, format_path, parse, parse_collecting

__all__ = [
    "Limits",
    "LoadedArchitecture",
    "Position",
    "SourceMap",
    "format_path",
    "load_file",
    "load_text",
    "merge",
    "parse",
    "parse_collecting",
    "read_text",
    "validate",
]
