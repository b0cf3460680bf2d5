"""Secret detection and masking: the one redaction module every display and export goes through.

Logs of agent traffic carry credentials in two places: *headers* (``x-api-key``, ``authorization``,
cookies, cloud-provider tokens) and *free text* (a key pasted into a prompt, echoed by a gateway
error, sitting in a tool result that printed ``env``).  This module masks both:

* :func:`redact_headers` masks the value of every header whose *name* says it is a secret;
* :func:`redact_text` masks secrets recognised by their *shape* (``sk-ant-…`` keys, bearer
  tokens, AWS key ids, secret keys, session tokens and SigV4 signatures, GCP private keys, API keys
  and OAuth tokens, OpenAI keys, JWTs, GitHub / GitLab / Slack / Stripe / Hugging Face / Groq /
  xAI / OpenRouter … tokens, secret URL query parameters and URL passwords, ``Cookie:`` and
  ``Authorization: Basic`` headers pasted as text);
* :func:`redact_value` walks any JSON value, applying :func:`redact_text` to every string and to
  every dict key (a key can *be* a secret: ``{"sk-ant-…": "prod"}``) and the header-name rule to
  the values under dict keys, and returns a new value (the input is never mutated);
* :func:`redact_and_shorten` masks *then* cuts, for every preview shorter than its text.

Why hand-written patterns and not the ``detect-secrets`` plugin set: on a 10 MB log its default
plugins take ~22 s (line by line) against 1-3 s here, its API yields matched values, not spans
(the GitHub plugin yields only ``ghp``), it knows no Anthropic, Google OAuth, bearer, URL-query or
cookie shapes, and its entropy plugins flag the API's ``signature`` fields and ids, which must
survive byte for byte.  Its catalogue of *prefixes* is covered here, each gated by a cheap
substring test (:data:`_NEEDLES`).

A mask keeps a short recognisable prefix and the secret's last four characters
(``sk-ant-api03-…[REDACTED]…AAAA``) so a user can still tell *which* key leaked.  Masks never match
the patterns again, so redacting twice changes nothing (idempotent).  Ordinary prose is left alone:
the word "token" in a sentence, ``max_tokens`` or ``input_tokens`` are not secrets.
"""

from __future__ import annotations

import base64
import binascii
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
_URLCH = r"A-Za-z0-9._~+/=%\-"  # a URL query value, percent-encoding included
# After a *key shape* (a fixed kind prefix: sk-ant-, AKIA, ghp_ …): not followed by a mask, so a
# mask never matches again, but a key cut by a plain ellipsis ("sk-ant-api03-LEAKMEq8w9…", from a
# caller that shortened before masking) *is* masked, without a tail (see :func:`_tail_of`), so no
# more than its kind prefix shows.  *Value* shapes (``name=value``, ``Bearer …``) stop at any
# ellipsis instead: the kind prefix of a mask that was cut ("Bearer sk-ant-oat01-…",
# ``"token": "sk-ant-api03…``) must not be taken for a token.
_END = r"(?!…\[REDACTED\])"


def _tail(secret: str) -> str:
    """The last four characters, only when the secret is long enough that they reveal nothing."""
    return secret[-4:] if len(secret) >= 12 else ""


def mask(prefix: str, secret: str) -> str:
    """``prefix…[REDACTED]…tail``: what every redaction in this module produces."""
    return f"{prefix}{ELLIPSIS}{MARK}{ELLIPSIS}{_tail(secret)}"


# -- text patterns ---------------------------------------------------------------------------------

# Each entry: (compiled pattern, function building the replacement from the match).
_Sub = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _tail_of(m: re.Match[str], secret: str) -> str:
    """The secret, or nothing when the match runs into an ellipsis: a key some caller cut short
    shows no tail, since its last characters are from the middle of the real key."""
    return "" if m.string.startswith(ELLIPSIS, m.end()) else secret


def _keep_prefix(m: re.Match[str]) -> str:
    """Keep the key's kind prefix (group 1: ``sk-ant-api03-``, ``AKIA``, ``Bearer ``)."""
    return mask(m.group(1), _tail_of(m, m.group(0)))


def _assignment(m: re.Match[str]) -> str:
    """``name = value`` shapes: keep the name and the separator, mask the value."""
    return m.group(1) + m.group(2) + mask("", _tail_of(m, m.group(3)))


def _pem(m: re.Match[str]) -> str:
    end = m.group(3) or ""
    return f"{m.group(1)}{ELLIPSIS}{MARK}{ELLIPSIS}{end}"


def _userinfo(m: re.Match[str]) -> str:
    """``scheme://user:password@host``: keep the user, mask the password."""
    return m.group(1) + mask("", _tail_of(m, m.group(2))) + "@"


def _is_basic_credential(b64: str) -> bool:
    """Does ``b64`` decode to ``user:password``, as every HTTP Basic credential does?"""
    try:
        raw = base64.b64decode(b64 + "=" * (-len(b64) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in raw


def _basic(m: re.Match[str]) -> str:
    """``Basic <base64>``: masked when it follows an Authorization header name or decodes to
    ``user:password``, so "Basic authentication" in prose stays as it is."""
    before = m.string[max(0, m.start() - 40):m.start()].lower()
    b64 = m.group(2)
    named = "authorization" in before and (len(b64) >= 8 or any(c in b64 for c in "0123456789+/="))
    if named or _is_basic_credential(b64):
        return mask(m.group(1), _tail_of(m, b64))
    return m.group(0)


# Names of URL query parameters that carry a credential (``?key=AIza…``, ``&access_token=…``,
# SigV4 / GCS presigned URLs, Azure SAS ``sig=``).  Generic words such as ``key`` and ``sig``
# are trusted only right after ``?``, ``&`` or ``;`` (``key=lambda …`` in code is no query).
_QUERY_NAMES = (r"(?:x-(?:amz|goog)-(?:signature|credential|security-token)|api[_-]?key|apikey|key|"
                r"(?:access|auth|id|refresh|session|private|oauth)[_-]?token|token|jwt|auth|"
                r"client[_-]?secret|secret|password|passwd|pwd|sig|signature|credential)")

_PATTERNS: tuple[_Sub, ...] = (
    # PEM private keys (GCP service-account JSON, SSH keys).  The body may hold real newlines or
    # the two characters "\n" when the key sits inside a JSON string shown as text.  A truncated
    # key (no END line) is masked too.
    (re.compile(r"(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----)"
                r"(?=(?:\s|\\[nrt])*[A-Za-z0-9+/=]{16})((?:[A-Za-z0-9+/=\s]|\\[nrt])+)"
                r"(-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?"), _pem),
    # Anthropic keys of every kind: sk-ant-api03-…, sk-ant-oat01-…, sk-ant-admin01-…, sk-ant-….
    (re.compile(rf"(?<![A-Za-z0-9])(sk-ant-(?:[a-z]+[0-9]+-)?)(?![a-z]+[0-9]+-…)[{_KEYCH}]{{8,}}(?![{_KEYCH}]){_END}"),
     _keep_prefix),
    # OpenAI keys: sk-…, sk-proj-…, sk-svcacct-…, sk-admin-….  A random key of 20+ characters has a
    # digit and an upper-case letter; requiring both keeps kebab-case words ("sk-learn-…") out.
    (re.compile(rf"(?<![A-Za-z0-9\-])(sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?)"
                rf"(?=[{_KEYCH}]*[0-9])(?=[{_KEYCH}]*[A-Z])[{_KEYCH}]{{20,}}(?![{_KEYCH}]){_END}"),
     _keep_prefix),
    # Provider tokens known by a fixed prefix and an alphanumeric body of 20+ characters: GitHub
    # (ghp_ gho_ ghu_ ghs_ ghr_), Stripe (sk_live_ rk_live_ sk_test_ rk_test_ whsec_), Hugging
    # Face hf_, Replicate r8_, npm npm_, Groq gsk_, Perplexity pplx-, xAI xai-, OpenRouter
    # sk-or-v1-.  A prefix alone ("sk_live", "ghp_") or a short body is no token.
    (re.compile(r"(?<![A-Za-z0-9_\-])(gh[pousr]_|(?:sk|rk)_(?:live|test)_|whsec_|hf_|r8_|npm_|gsk_|"
                rf"pplx-|xai-|sk-or-v1-)[A-Za-z0-9]{{20,}}(?![A-Za-z0-9_\-]){_END}"), _keep_prefix),
    # Prefixed tokens whose body also holds "_" or "-": GitHub fine-grained github_pat_, GitLab
    # glpat-, Google API keys AIza…, Slack xoxb- xoxp- xoxa- xoxo- xoxs- xoxr- xoxe- xapp-.
    (re.compile(r"(?<![A-Za-z0-9_\-])(github_pat_|glpat-|AIza|xox[abposre]-|xapp-)"
                rf"[A-Za-z0-9_\-]{{20,}}(?![A-Za-z0-9_\-]){_END}"), _keep_prefix),
    # Slack incoming-webhook URLs: the path is the credential.
    (re.compile(rf"(https://hooks\.slack\.com/services/)[A-Za-z0-9_/]{{16,}}(?![A-Za-z0-9_/]){_END}"),
     _keep_prefix),
    # Google OAuth access tokens.
    (re.compile(rf"(?<![A-Za-z0-9])(ya29\.)[{_KEYCH}.]{{20,}}(?![{_KEYCH}.]){_END}"), _keep_prefix),
    # AWS access key ids (long-term AKIA…, temporary ASIA…): exactly 20 characters.
    (re.compile(rf"(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{{16}}(?![A-Za-z0-9]){_END}"), _keep_prefix),
    # Credentials in URL query strings (HAR ``url``, gateway logs, presigned URLs): the value is
    # 8+ URL characters with a digit (percent-encoding has digits), so ``?key=value`` stays.
    (re.compile(rf"(?i)((?:[?&;#]|&amp;){_QUERY_NAMES})(=)"
                rf"(?=[{_URLCH}]*[0-9])([{_URLCH}]{{8,}})(?![{_URLCH}…])"), _assignment),
    # SigV4 / GCS signing parameters written as ``name=value`` anywhere (an Authorization header
    # dumped as text: ``Credential=…, SignedHeaders=…, Signature=…``).  JSON ``"signature": …``
    # (the API's thinking signatures) has a colon, not ``=``, and is left alone.
    (re.compile(r"(?i)((?<![A-Za-z0-9_\-])(?:x-(?:amz|goog)-(?:signature|credential|security-token)|"
                r"signature|credential))(=)"
                rf"(?=[{_URLCH}]*[0-9])([{_URLCH}]{{16,}})(?![{_URLCH}…])"), _assignment),
    # AWS secret keys and session tokens in env / ini / JSON / header shapes.  A value that runs
    # on into "%" is percent-encoded: the query pattern above masks it whole.
    (re.compile(rf"(?i)((?<![A-Za-z0-9])(?:aws_?)?(?:secret_?access_?key|session[_-]?token|"
                rf"security[_-]?token))([\"']?\s*[:=]\s*[\"']?)([{_B64CH}]{{16,}})(?![{_B64CH}%…])"),
     _assignment),
    # Passwords in URLs: scheme://user:password@host (proxy settings, database URLs).
    (re.compile(r"(://[^\s/?#@:\"'<>…\[\]]{0,64}:)([^\s/?#@\"'<>…]{1,256})@"), _userinfo),
    # HTTP Basic credentials pasted as text ("Authorization: Basic dXNlcjpwYXNz").
    (re.compile(rf"(?i)(\bbasic\s+)([A-Za-z0-9+/]{{4,}}={{0,2}})(?![A-Za-z0-9+/=…])"), _basic),
    # Cookie / Set-Cookie headers pasted as text: the value, up to the end of the line or a quote.
    # It must start like a cookie (``name=``), so "Cookie: a small file" in prose stays.
    (re.compile(r"(?i)((?<![A-Za-z0-9\-])(?:set-)?cookie)([\"']?[ \t]*:[ \t]*[\"']?)"
                r"([!#$%&*+.^_`|~A-Za-z0-9\-]+=[^\r\n\"'\\]*)"), _assignment),
    # Other credentials assigned to a telling name in text (headers dumped as text, .env files,
    # JSON shown in a tool result).  The value must look like a token (has a digit), so code such
    # as ``api_key=os.environ.get(...)`` stays readable.  A bare ``token`` / ``secret`` name
    # catches GITHUB_TOKEN=… and JWT_SECRET=…; ``token_count=5`` and ``tokens: 12`` are no match.
    # (Few top-level alternatives: each is tried at every position, and this pattern runs on any
    # text that says "token".  ``x-api-key`` / ``x-goog-api-key`` / ``x-auth-token`` match from
    # their last words, which keeps the same output.)
    (re.compile(rf"(?i)((?<![A-Za-z0-9])(?:api[_-]?key|(?:(?:access|auth|refresh|id|api|bearer)[_-]?)?token|"
                rf"(?:client[_-]?)?secret(?:[_-]?key)?|pass(?:wor)?d))"
                rf"([\"']?\s*[:=]\s*[\"']?)(?=[{_TOKCH}]*[0-9])([{_TOKCH}]{{12,}})(?![{_TOKCH}…])"),
     _assignment),
    # Bearer tokens (after the specific keys above, so "Bearer sk-ant-…" keeps its key prefix).
    (re.compile(rf"(?i)(\bbearer\s+)(?=[{_TOKCH}]*[0-9])[{_TOKCH}]{{12,}}(?![{_TOKCH}…])"),
     _keep_prefix),
    # Bare JSON Web Tokens (session tokens pasted without a scheme): header.payload.signature.
    (re.compile(r"(?<![A-Za-z0-9_\-])(eyJ)[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
                rf"(?![A-Za-z0-9_\-]|\.[A-Za-z0-9_-]){_END}"), _keep_prefix),
)


# For each pattern, lower-case words one of which a match must contain: a string holding none of
# them is not searched with that pattern.  Scanning a 50 MB string with all the patterns takes
# seconds; looking for these words takes milliseconds.
_NEEDLES: tuple[tuple[str, ...], ...] = (
    ("private key-----",),
    ("sk-ant-",),
    ("sk-",),
    ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "sk_live_", "rk_live_", "sk_test_", "rk_test_", "whsec_",
     "hf_", "r8_", "npm_", "gsk_", "pplx-", "xai-", "sk-or-v1-"),
    ("github_pat_", "glpat-", "aiza", "xox", "xapp-"),
    ("hooks.slack.com/services/",),
    ("ya29.",),
    ("akia", "asia"),
    ("key=", "token=", "jwt=", "auth=", "secret=", "password=", "passwd=", "pwd=", "sig=",
     "signature=", "credential="),
    ("signature=", "credential=", "security-token="),
    ("secret", "session", "security"),
    ("://",),
    ("basic",),
    ("cookie",),
    ("apikey", "api_key", "api-key", "token", "secret", "password", "passwd"),
    ("bearer",),
    ("eyj",),
)
assert len(_NEEDLES) == len(_PATTERNS)
# Characters that re.IGNORECASE matches to an ASCII letter but str.lower() does not turn into it.
_FOLD = str.maketrans({"\u0131": "i", "\u017f": "s", "\u212a": "k"})


# Any needle at all: one search that lets most strings of a payload ("user", "text", a model name,
# prose) skip the per-pattern tests.  Only for strings up to _PREFILTER_MAX: on a longer one the
# per-pattern ``in`` tests are faster than one alternation searched to the end.
_ANY_NEEDLE = re.compile("|".join(re.escape(n) for n in sorted({n for ns in _NEEDLES for n in ns},
                                                                key=len, reverse=True)))
_PREFILTER_MAX = 64 * 1024
_SHORTEST = 8
"""No text shorter than this holds a secret a pattern can recognise (``://u:pw@`` is 8)."""


def redact_text(s: str) -> str:
    """Mask every secret recognised by its shape in ``s``; everything else is kept verbatim."""
    if not isinstance(s, str) or len(s) < _SHORTEST:
        return s
    low = s.lower()
    if not low.isascii():
        low = low.translate(_FOLD)
    if len(s) <= _PREFILTER_MAX and _ANY_NEEDLE.search(low) is None:
        return s
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
            out = sub(whole)
            if out != rest:  # a pattern may decline (``Basic`` that is no credential)
                return prefix + out
    return prefix + mask("", rest)


def _unique_key(key: str, taken: Mapping[Any, Any], original: Mapping[Any, Any]) -> str:
    """A masked dict key that collides with no key already written and no original key
    (two keys masked alike stay two entries: ``"sk-ant-api03-…[REDACTED]…AAAA (2)"``)."""
    if key not in taken and key not in original:
        return key
    n = 2
    while f"{key} ({n})" in taken or f"{key} ({n})" in original:
        n += 1
    return f"{key} ({n})"


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every secret-named value masked and every other value passed
    through :func:`redact_text` (a gateway may echo a key in any header)."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        key = redact_text(name) if isinstance(name, str) else name
        if key != name:
            key = _unique_key(key, out, headers)
        if not isinstance(value, str):
            out[key] = value
        elif is_secret_name(name):
            out[key] = redact_secret_value(value)
        else:
            out[key] = redact_text(value)
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


# ``{"name": "key", "value": …}`` pairs (HAR headers, query strings and cookies): names that say
# the value is a credential only when the value also looks like a token.
_PAIR_QUERY_NAMES = frozenset({"key", "sig", "auth"})
_TOKENISH = re.compile(rf"(?=[{_URLCH}]*[0-9])[{_URLCH}]{{8,}}")


def _pair_is_secret(parent: Mapping[str, Any], in_secret: bool) -> bool:
    """Is ``parent`` a name/value pair whose ``value`` is a credential?  ``in_secret``: the pair
    sits in a list under a secret-named key (a HAR ``cookies`` array: every value is one)."""
    name, value = parent.get("name"), parent.get("value")
    if not isinstance(name, str) or not isinstance(value, str):
        return False
    if in_secret or is_secret_name(name):
        return True
    return name.lower() in _PAIR_QUERY_NAMES and _TOKENISH.fullmatch(value) is not None


def _redact_member(parent: Mapping[str, Any], key: Any, value: str, in_secret: bool = False) -> str:
    if not isinstance(key, str):
        return redact_text(value)
    if _is_opaque(parent, key):
        return value
    if is_secret_name(key) or (key == "value" and _pair_is_secret(parent, in_secret)):
        return redact_secret_value(value)
    return redact_text(value)


def redact_value(value: Any) -> Any:
    """A redacted deep copy of any JSON value; the input is never mutated.

    Strings go through :func:`redact_text`; a string under a key that names a secret
    (:func:`is_secret_name`), a string in a list under such a key (``"cookies": ["sid=…"]``) and
    the ``value`` of a ``{"name": …, "value": …}`` pair whose name says credential (HAR headers,
    query strings, cookies) are masked whole.  Numbers, booleans and ``None`` are kept even under
    such a key (``{"token_count": 5}`` is not a credential).  Dict keys are kept unless a key
    itself holds a secret (``{"sk-ant-…": "prod"}``): it is masked, and stays distinct from every
    other key.  The walk is iterative: no nesting depth makes it fail.  (Tuples, which JSON does
    not have, come back as lists.)
    """
    if isinstance(value, str):
        return redact_text(value)
    if not isinstance(value, (dict, list, tuple)):
        return value
    root: Any = {} if isinstance(value, dict) else []
    # (source, destination, "inside a list under a secret-named key")
    stack: list[tuple[Any, Any, bool]] = [(value, root, False)]
    while stack:
        src, dst, in_secret = stack.pop()
        is_dict = isinstance(src, dict)
        items = src.items() if is_dict else enumerate(src)
        for k, v in items:
            if isinstance(v, str):
                if is_dict:
                    out = _redact_member(src, k, v, in_secret)
                else:
                    out = redact_secret_value(v) if in_secret else redact_text(v)
            elif isinstance(v, (dict, list, tuple)):
                out = {} if isinstance(v, dict) else []
                secret_list = (is_dict and isinstance(k, str) and not isinstance(v, dict)
                               and is_secret_name(k)) or (not is_dict and in_secret)
                stack.append((v, out, secret_list))
            else:
                out = v
            if is_dict:
                key = redact_text(k) if isinstance(k, str) else k
                if key != k:
                    key = _unique_key(key, dst, src)
                dst[key] = out
            else:
                dst.append(out)
    return root


_SHORTEN_WINDOW = 4096
"""Characters read past a preview's limit before masking: longer than any key but a PEM block,
whose cut form is masked too."""


def redact_and_shorten(text: str, limit: int, marker: str = ELLIPSIS) -> str:
    """``text`` masked, *then* cut to at most ``limit`` characters (``marker`` included).

    Cutting first hides a key from the patterns (``sk-ant-api03-LEAKMEq8w9e0r1…`` showed 20
    characters of a key); masking first cannot.  A cut never lands inside a mask: the preview
    ends before it (``… sk-ant-api03-…``), so a mask is shown whole or not at all.  Only a window
    past ``limit`` is masked, so a 50 MB string costs what a short one does.
    """
    if not isinstance(text, str):
        return text
    masked = redact_text(text[: limit + _SHORTEN_WINDOW])
    if len(masked) <= limit and len(text) <= limit + _SHORTEN_WINDOW:
        return masked
    if limit <= len(marker):
        return marker[:max(limit, 0)]
    cut = limit - len(marker)
    span = len(ELLIPSIS + MARK + ELLIPSIS) + 4  # a mask and its longest tail
    start = masked.rfind(ELLIPSIS + MARK, max(0, cut - span), cut + len(ELLIPSIS + MARK))
    if start >= 0 and start < cut:
        cut = start
    return masked[:cut] + marker


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
