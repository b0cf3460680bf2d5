"""Secret detection and masking: the one redaction module every display and export goes through.

Logs of agent traffic carry credentials in two places: *headers* (``x-api-key``, ``authorization``,
cookies, cloud-provider tokens) and *free text* (a key pasted into a prompt, echoed by a gateway
error, sitting in a tool result that printed ``env``).  This module masks both:

* :func:`redact_headers` masks the value of every header whose *name* says it is a secret;
* :func:`redact_text` masks secrets recognised by their *shape* (``sk-ant-…`` keys, bearer
  tokens, AWS key ids and secret keys, GCP private keys and OAuth tokens, OpenAI keys, JWTs);
* :func:`redact_value` walks any JSON value, applying :func:`redact_text` to every string and the
  header-name rule to dict keys, and returns a new value (the input is never mutated).

A mask keeps a short recognisable prefix and the secret's last four characters
(``sk-ant-api03-…[REDACTED]…AAAA``) so a user can still tell *which* key leaked.  Masks never match
the patterns again, so redacting twice changes nothing (idempotent).  Ordinary prose is left alone:
the word "token" in a sentence, ``max_tokens`` or ``input_tokens`` are not secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

MARK = "[REDACTED]"
ELLIPSIS = "…"

# Characters that may continue a token.  Every pattern ends with a negative look-ahead on these
# *and* on the ellipsis, so a mask ("sk-ant-api03-…[REDACTED]…AAAA") can never match again, even
# by backtracking to a shorter body.
_KEYCH = r"A-Za-z0-9_\-"
_B64CH = r"A-Za-z0-9/+="
_TOKCH = r"A-Za-z0-9._~+/=\-"


def _tail(secret: str) -> str:
    """The last four characters, only when the secret is long enough that they reveal nothing."""
    return secret[-4:] if len(secret) >= 12 else ""


def mask(prefix: str, secret: str) -> str:
    """``prefix…[REDACTED]…tail``: what every redaction in this module produces."""
    return f"{prefix}{ELLIPSIS}{MARK}{ELLIPSIS}{_tail(secret)}"


# -- text patterns ---------------------------------------------------------------------------------

# Each entry: (compiled pattern, function building the replacement from the match).
_Sub = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _keep_prefix(m: re.Match[str]) -> str:
    """Keep the key's kind prefix (group 1: ``sk-ant-api03-``, ``AKIA``, ``Bearer ``)."""
    return mask(m.group(1), m.group(0))


def _assignment(m: re.Match[str]) -> str:
    """``name = value`` shapes: keep the name and the separator, mask the value."""
    return m.group(1) + m.group(2) + mask("", m.group(3))


def _pem(m: re.Match[str]) -> str:
    end = m.group(3) or ""
    return f"{m.group(1)}{ELLIPSIS}{MARK}{ELLIPSIS}{end}"


_PATTERNS: tuple[_Sub, ...] = (
    # PEM private keys (GCP service-account JSON, SSH keys).  The body may hold real newlines or
    # the two characters "\n" when the key sits inside a JSON string shown as text.  A truncated
    # key (no END line) is masked too.
    (re.compile(r"(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----)"
                r"(?=(?:\s|\\[nrt])*[A-Za-z0-9+/=]{16})((?:[A-Za-z0-9+/=\s]|\\[nrt])+)"
                r"(-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?"), _pem),
    # Anthropic keys of every kind: sk-ant-api03-…, sk-ant-oat01-…, sk-ant-admin01-…, sk-ant-….
    (re.compile(rf"(?<![A-Za-z0-9])(sk-ant-(?:[a-z]+[0-9]+-)?)[{_KEYCH}]{{8,}}(?![{_KEYCH}…])"),
     _keep_prefix),
    # OpenAI keys: sk-…, sk-proj-…, sk-svcacct-…, sk-admin-….  A random key of 20+ characters has a
    # digit and an upper-case letter; requiring both keeps kebab-case words ("sk-learn-…") out.
    (re.compile(rf"(?<![A-Za-z0-9\-])(sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?)"
                rf"(?=[{_KEYCH}]*[0-9])(?=[{_KEYCH}]*[A-Z])[{_KEYCH}]{{20,}}(?![{_KEYCH}…])"),
     _keep_prefix),
    # AWS access key ids (long-term AKIA…, temporary ASIA…): exactly 20 characters.
    (re.compile(r"(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9…])"), _keep_prefix),
    # AWS secret keys and session tokens in env / ini / JSON shapes.
    (re.compile(rf"(?i)((?<![A-Za-z0-9])(?:aws_?)?(?:secret_?access_?key|session_?token|"
                rf"security_?token))([\"']?\s*[:=]\s*[\"']?)([{_B64CH}]{{16,}})(?![{_B64CH}…])"),
     _assignment),
    # Google OAuth access tokens.
    (re.compile(rf"(?<![A-Za-z0-9])(ya29\.)[{_KEYCH}.]{{20,}}(?![{_KEYCH}.…])"), _keep_prefix),
    # Other credentials assigned to a telling name in text (headers dumped as text, .env files,
    # JSON shown in a tool result).  The value must look like a token (has a digit), so code such
    # as ``api_key=os.environ.get(...)`` stays readable.
    (re.compile(rf"(?i)((?<![A-Za-z0-9])(?:x-)?(?:goog-)?api[_-]?key|x-auth-token|"
                rf"(?:access|auth|refresh|id|api|bearer)[_-]?token|client[_-]?secret|password)"
                rf"([\"']?\s*[:=]\s*[\"']?)(?=[{_TOKCH}]*[0-9])([{_TOKCH}]{{12,}})(?![{_TOKCH}…])"),
     _assignment),
    # Bearer tokens (after the specific keys above, so "Bearer sk-ant-…" keeps its key prefix).
    (re.compile(rf"(?i)(\bbearer\s+)(?=[{_TOKCH}]*[0-9])[{_TOKCH}]{{12,}}(?![{_TOKCH}…])"),
     _keep_prefix),
    # Bare JSON Web Tokens (session tokens pasted without a scheme): header.payload.signature.
    (re.compile(r"(?<![A-Za-z0-9_\-])(eyJ)[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
                r"(?![A-Za-z0-9_\-…]|\.[A-Za-z0-9_-])"), _keep_prefix),
)


# For each pattern, lower-case words one of which a match must contain: a string holding none of
# them is not searched with that pattern.  Scanning a 50 MB string with all the patterns takes
# seconds; looking for these words takes milliseconds.
_NEEDLES: tuple[tuple[str, ...], ...] = (
    ("private key-----",),
    ("sk-ant-",),
    ("sk-",),
    ("akia", "asia"),
    ("secret", "session", "security"),
    ("ya29.",),
    ("apikey", "api_key", "api-key", "token", "secret", "password"),
    ("bearer",),
    ("eyj",),
)
assert len(_NEEDLES) == len(_PATTERNS)
# Characters that re.IGNORECASE matches to an ASCII letter but str.lower() does not turn into it.
_FOLD = str.maketrans({"\u0131": "i", "\u017f": "s", "\u212a": "k"})


def redact_text(s: str) -> str:
    """Mask every secret recognised by its shape in ``s``; everything else is kept verbatim."""
    if not isinstance(s, str) or not s:
        return s
    low = s.lower()
    if not low.isascii():
        low = low.translate(_FOLD)
    for (rx, sub), needles in zip(_PATTERNS, _NEEDLES):
        if any(n in low for n in needles):
            new = rx.sub(sub, s)
            if new is not s and new != s:
                s = new
                low = s.lower()
                if not low.isascii():
                    low = low.translate(_FOLD)
    return s


def contains_secret(s: str) -> bool:
    """True when ``s`` still holds something :func:`redact_text` would mask."""
    return isinstance(s, str) and redact_text(s) != s


# -- names -----------------------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
# Substrings of the separator-free, lower-cased name that always mean "secret".
_SECRET_PARTS = ("apikey", "authorization", "cookie", "secret", "password", "passwd",
                 "privatekey", "accesskey", "credential", "signingkey")
# Whole words that mean "secret" (so "token" does, "tokens" / "max_tokens" / "tokenizer" do not).
_SECRET_WORDS = frozenset({"token", "jwt", "apitoken"})
# Names the API itself uses for opaque, non-secret values that must survive byte-for-byte.
_NOT_SECRET = frozenset({"signature", "cache_control", "anthropic-version", "anthropic-beta"})


def is_secret_name(name: str) -> bool:
    """Does a header or JSON key name a credential?

    ``x-api-key``, ``authorization``, ``proxy-authorization``, ``cookie``, ``set-cookie``,
    ``x-auth-token``, ``x-goog-api-key``, ``x-amz-security-token``, ``client_secret``,
    ``aws_secret_access_key``, ``private_key`` … are; ``max_tokens``, ``input_tokens``,
    ``anthropic-ratelimit-tokens-remaining`` and ``signature`` are not (they are numbers or
    opaque API values, and redacting them would hide what a user came to see or break a replay).
    """
    if not isinstance(name, str) or name.lower() in _NOT_SECRET:
        return False
    words = [w.lower() for w in _SEPARATORS.split(_CAMEL.sub("_", name)) if w]
    compact = "".join(words)
    if any(part in compact for part in _SECRET_PARTS):
        return True
    return any(w in _SECRET_WORDS for w in words)


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,30}\s+)(\S.*)$", re.S)


_AUTH_SCHEMES = frozenset({"bearer", "basic", "token", "digest", "negotiate", "aws4-hmac-sha256",
                           "apikey", "key"})


def redact_secret_value(value: str) -> str:
    """Mask the whole of a value known to be secret (because of its name).

    An auth scheme word is kept (``Bearer …[REDACTED]…wxyz``), and so is a key's kind prefix when
    the value *is* a recognised key (``Bearer sk-ant-oat01-…[REDACTED]…AAAA``).  Everything else
    goes: an AWS ``authorization`` header is masked whole, not just its access key id.
    Already-masked values are returned unchanged (idempotent).
    """
    if not isinstance(value, str) or not value or MARK in value:
        return value
    prefix, rest = "", value
    m = _SCHEME.match(value)
    if m and m.group(1).strip().lower() in _AUTH_SCHEMES:
        prefix, rest = m.group(1), m.group(2)
    for rx, sub in _PATTERNS:
        whole = rx.fullmatch(rest)
        if whole:
            return prefix + sub(whole)
    return prefix + mask("", rest)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every secret-named value masked and every other value passed
    through :func:`redact_text` (a gateway may echo a key in any header)."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(value, str):
            out[name] = value
        elif is_secret_name(name):
            out[name] = redact_secret_value(value)
        else:
            out[name] = redact_text(value)
    return out


# -- JSON values -----------------------------------------------------------------------------------


def _is_opaque(parent: Mapping[str, Any], key: str) -> bool:
    """Binary payloads and signatures: no readable secret can hide in them, and changing one
    byte would make a replay fail, so they are copied as they are."""
    if key == "signature":
        return True
    if key == "data":
        kind = parent.get("type")
        return kind in ("base64", "redacted_thinking")
    return False


def _redact_member(parent: Mapping[str, Any], key: Any, value: str) -> str:
    if not isinstance(key, str):
        return redact_text(value)
    if _is_opaque(parent, key):
        return value
    if is_secret_name(key):
        return redact_secret_value(value)
    return redact_text(value)


def redact_value(value: Any) -> Any:
    """A redacted deep copy of any JSON value; the input is never mutated.

    Strings go through :func:`redact_text`; a string under a key that names a secret
    (:func:`is_secret_name`) is masked whole.  Numbers, booleans and ``None`` are kept even under
    such a key (``{"token_count": 5}`` is not a credential).  Dict keys are never rewritten, so the
    shape of a payload is preserved.  The walk is iterative: no nesting depth makes it fail.
    (Tuples, which JSON does not have, come back as lists.)
    """
    if isinstance(value, str):
        return redact_text(value)
    if not isinstance(value, (dict, list, tuple)):
        return value
    root: Any = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        src, dst = stack.pop()
        items = src.items() if isinstance(src, dict) else enumerate(src)
        for k, v in items:
            if isinstance(v, str):
                out = _redact_member(src, k, v) if isinstance(src, dict) else redact_text(v)
            elif isinstance(v, (dict, list, tuple)):
                out = {} if isinstance(v, dict) else []
                stack.append((v, out))
            else:
                out = v
            if isinstance(dst, dict):
                dst[k] = out
            else:
                dst.append(out)
    return root


class StreamRedactor:
    """Mask secrets in text that arrives in pieces (a streamed reply), where a key may be split
    across two pieces or follow a ``Bearer`` that came in the previous one.

    :meth:`feed` passes on (through ``emit``) only text that no secret can still reach: it keeps
    back the last :attr:`HOLD` characters, never cuts inside anything a pattern matches, and waits
    for the END line of a private key; :meth:`close` masks and passes on the rest.
    """

    HOLD = 256
    LIMIT = 64 * 1024

    def __init__(self, emit: Callable[[str], None]) -> None:
        self.emit = emit
        self.held = ""

    def feed(self, text: str) -> None:
        self.held += text
        held = self.held
        begin = held.rfind("-----BEGIN")
        if begin >= 0 and held.find("-----END", begin) < 0 and len(held) < self.LIMIT:
            return  # inside a private key: wait for its end
        if len(held) <= self.HOLD:
            return
        cut = len(held) - self.HOLD  # pass on held[:cut]
        moved = True
        while moved and cut > 0:
            moved = False
            for rx, _ in _PATTERNS:
                for m in rx.finditer(held):
                    if m.start() < cut < m.end():
                        cut, moved = m.start(), True
        if cut <= 0:
            if len(held) > self.LIMIT:
                self.close()
            return
        self.emit(redact_text(held[:cut]))
        self.held = held[cut:]

    def close(self) -> None:
        if self.held:
            self.emit(redact_text(self.held))
        self.held = ""
