"""Text from an input, made safe for where it is printed: terminals and CI logs.

Names, descriptions, technologies, file names and rule messages come from files a pull request
controls. Printed raw, a line feed in them forges report lines, and a forged line that starts with
``::`` (or ``##[``) is a GitHub Actions workflow command (``::error::``, ``::add-mask::``,
``::stop-commands::``); an escape sequence clears or rewrites the terminal; a bidi override
disguises the text. Two helpers, used by every command that prints:

- :func:`value` for one value inserted in a line: control, line-break and bidi characters written
  as escapes (``\\n``, ``\\x1b``, ``\\u202e``), so a value never starts or ends a line;
- :func:`lines` for a whole output (the guard at the sink): control and bidi characters other than
  the output's own line feeds and tabs escaped, and a line that would start with a workflow-command
  prefix (after blanks, as runners read it) made inert, in the output's own notation: ``\\x3a:`` in
  plain text, a character reference (``&#58;:``) in HTML, XML and Markdown, which renders the same.
  Only ``--format github`` writes workflow commands, and it escapes values its own way.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEPING_COLOUR = re.compile(r"\x1b(?!\[[0-9;]*m)|[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f\u061c\u200e\u200f"
                                     r"\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_COMMAND = re.compile(r"^(?P<blank>[ \t\f\v]*)(?P<first>:(?=:)|#(?=#\[))", re.MULTILINE)
_MARKUP = {"html": "&#{}", "xml": "&#{}", "markdown": "&#{}"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def value(text: object) -> str:
    """One value for a line of output: every control, line-break and bidi character as an escape."""
    found = str(text)
    if found.isprintable():
        return found
    return "".join(ch if ch.isprintable() else _named(ch) for ch in found)


def _named(ch: str) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or ascii(ch)[1:-1]


def lines(text: str, markup: str = "text", colour: bool = False) -> str:
    """A whole output made safe: stray control and bidi characters escaped (line feeds and tabs kept),
    and no line starting with a workflow-command prefix (``::``, ``##[``).

    ``markup``: ``text``, ``json``, ``html``, ``xml`` or ``markdown``; ``colour``: the output's own
    colour codes (``ESC [ … m``, which only set colours) are kept.
    """
    control = _CONTROL_KEEPING_COLOUR if colour else _CONTROL
    if control.search(text) is not None:
        text = control.sub((lambda m: f"\\u{ord(m.group()):04x}") if markup == "json" else _escape, text)
    if markup == "json" or ("::" not in text and "##[" not in text):  # JSON: only inside strings, never a line start
        return text
    reference = _MARKUP.get(markup)
    return _COMMAND.sub(lambda m: m.group("blank") + (reference.format(f"{ord(m.group('first'))};") if reference
                                                      else f"\\x{ord(m.group('first')):02x}"), text)


def guard_bytes(data: bytes, markup: str) -> bytes:
    """:func:`lines` for an output already encoded as UTF-8 (JSON and SARIF reports)."""
    if markup == "json":
        if not _json_risk(data):
            return data
        return _JSON_RISK.sub(lambda m: f"\\u{ord(m.group().decode('utf-8')):04x}".encode("ascii"), data)
    return lines(data.decode("utf-8"), markup).encode("utf-8")


_JSON_RISK = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
"""DEL, C1 controls, bidi and separator characters as UTF-8 bytes (JSON encoders escape the C0 controls)."""
_JSON_RISK_PARTS = (re.compile(rb"\xc2[\x80-\x9f]"), re.compile(rb"\xe2(?:\x80[\x8e\x8f\xa8-\xae]|\x81[\xa6-\xa9])"))
"""The same characters by their first byte, each a pattern with a literal first byte (which the regular expression
engine finds quickly): one search of the alternation above took about 0.4 s over a 190 MB report, these about 0.1 s."""


def _json_risk(data: bytes) -> bool:
    """Whether ``data`` holds any of :data:`_JSON_RISK`'s characters."""
    return (b"\x7f" in data or b"\xd8\x9c" in data
            or any(part.search(data) is not None for part in _JSON_RISK_PARTS))
