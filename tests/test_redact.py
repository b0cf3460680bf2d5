"""Redaction: every credential shape is masked, prose and API fields are not, and it is idempotent."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.redact import (
    MARK,
    contains_secret,
    is_secret_name,
    redact_headers,
    redact_text,
    redact_value,
)

ANT_KEY = "sk-ant-api03-" + "R4nd0mK3yMaterial_-x" * 4 + "Qz9AA"
OAT_KEY = "sk-ant-oat01-" + "0AuthT0kenB0dy-" * 5 + "WxYz"
ADMIN_KEY = "sk-ant-admin01-" + "adm1nK3y" * 8 + "LmNo"
OPENAI_KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" + "T3BlbkFJ" + "xYz7"
OPENAI_LEGACY = "sk-" + "aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3aB4cD5eF"
AKIA = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"
YA29 = "ya29.a0AfH6SMBxQ3-gK8vN0pL2rT5yW7zC9eF1hJ4mP6sU8"
PEM_BODY = ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
            "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n")
PEM = f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("text", "prefix", "secret"),
    [
        (f"export ANTHROPIC_API_KEY={ANT_KEY}", "sk-ant-api03-", ANT_KEY),
        (f"token is {OAT_KEY}.", "sk-ant-oat01-", OAT_KEY),
        (f"admin: {ADMIN_KEY}", "sk-ant-admin01-", ADMIN_KEY),
        (f"OPENAI_API_KEY={OPENAI_KEY}", "sk-proj-", OPENAI_KEY),
        (f"legacy key {OPENAI_LEGACY} here", "sk-", OPENAI_LEGACY),
        (f"aws_access_key_id = {AKIA}", "AKIA", AKIA),
        (f"creds ASIAY34FZKBOKMUTVV7A used", "ASIA", "ASIAY34FZKBOKMUTVV7A"),
        (f"aws_secret_access_key={AWS_SECRET}", "aws_secret_access_key=", AWS_SECRET),
        (f'"SecretAccessKey": "{AWS_SECRET}"', '"SecretAccessKey": "', AWS_SECRET),
        (f"curl -H 'Authorization: Bearer {JWT}'", "Bearer ", JWT),
        (f"gcloud token {YA29}", "ya29.", YA29),
        (f"the session cookie held {JWT}.", "eyJ", JWT),
    ],
)
def test_redact_text_masks_each_key_shape_keeping_prefix_and_last_four(text, prefix, secret):
    out = redact_text(text)
    assert secret not in out
    assert f"{prefix}…{MARK}…{secret[-4:]}" in out
    assert not contains_secret(out)
    assert redact_text(out) == out  # idempotent


def test_redact_text_masks_a_gcp_private_key_in_json_text_and_as_a_real_string():
    as_text = '{"type": "service_account", "private_key": "' + PEM.replace("\n", "\\n") + '"}'
    out = redact_text(as_text)
    assert "MIIEvQIBADANBgkq" not in out
    assert '"private_key": "-----BEGIN PRIVATE KEY-----…[REDACTED]…-----END PRIVATE KEY-----\\n"' in out
    real = redact_text(PEM)
    assert real == "-----BEGIN PRIVATE KEY-----…[REDACTED]…-----END PRIVATE KEY-----\n"
    assert redact_text(real) == real


def test_redact_text_masks_a_truncated_private_key():
    out = redact_text("-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY[:70])
    assert out == "-----BEGIN RSA PRIVATE KEY-----…[REDACTED]…"


def test_redact_text_masks_an_anthropic_key_behind_bearer_with_its_kind_visible():
    out = redact_text(f"Authorization: Bearer {OAT_KEY}")
    assert out == f"Authorization: Bearer sk-ant-oat01-…[REDACTED]…{OAT_KEY[-4:]}"


def test_redact_text_masks_credentials_assigned_in_env_and_header_dumps():
    text = "x-api-key: gw_live_8f3k2j9d7s6a5\nclient_secret=cs_9a8b7c6d5e4f3g2h"
    out = redact_text(text)
    assert out == f"x-api-key: …{MARK}…s6a5\nclient_secret=…{MARK}…3g2h"


@pytest.mark.parametrize(
    "prose",
    [
        "The token limit is set by max_tokens; count tokens before sending.",
        "Use a Bearer token in the Authorization header (see the docs).",
        "Keys look like sk-ant-api03-… and must never be logged.",
        "pip install sk-learn-is-not-a-real-package-name-at-all",
        "api_key = os.environ.get('ANTHROPIC_API_KEY')",
        "The password field must be at least 12 characters long.",
        "AKIA is the prefix of an AWS access key id.",
        "-----BEGIN PRIVATE KEY----- marks the start of a PEM block.",
        "task-Abcdefgh1234567890XYZabc is a job id, not a key",
    ],
)
def test_redact_text_leaves_prose_and_code_that_mentions_secrets_alone(prose):
    assert redact_text(prose) == prose
    assert not contains_secret(prose)


def test_redact_headers_masks_secret_named_headers_and_keeps_the_rest():
    headers = {
        "x-api-key": ANT_KEY,
        "Authorization": f"Bearer {OAT_KEY}",
        "Proxy-Authorization": "Basic dXNlcjpwYXNzd29yZA==",
        "cookie": "session=8f7e6d5c4b3a; theme=dark",
        "Set-Cookie": "__cf_bm=abcdef123456; path=/",
        "x-auth-token": "short",
        "x-goog-api-key": "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv",
        "x-amz-security-token": "FQoGZXIvYXdzEJr//////////wEaDMtoken",
        "X-Custom-Secret": "opaque-value-123456",
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        "anthropic-ratelimit-tokens-remaining": "79000",
        "anthropic-ratelimit-input-tokens-reset": "2025-01-01T00:00:00Z",
        "request-id": "req_011CVxyz",
    }
    out = redact_headers(headers)
    assert out["x-api-key"] == f"sk-ant-api03-…{MARK}…{ANT_KEY[-4:]}"
    assert out["Authorization"] == f"Bearer sk-ant-oat01-…{MARK}…{OAT_KEY[-4:]}"
    assert out["Proxy-Authorization"] == f"Basic …{MARK}…ZA=="
    assert out["cookie"] == f"…{MARK}…dark"
    assert out["x-auth-token"] == f"…{MARK}…"  # too short to show a tail
    for name in ("Set-Cookie", "x-goog-api-key", "x-amz-security-token", "X-Custom-Secret"):
        assert MARK in out[name], name
        assert headers[name] not in out[name]
    for name in ("content-type", "anthropic-version", "anthropic-ratelimit-tokens-remaining",
                 "anthropic-ratelimit-input-tokens-reset", "request-id"):
        assert out[name] == headers[name], name
    assert redact_headers(out) == out
    assert headers["x-api-key"] == ANT_KEY  # input untouched


def test_redact_headers_masks_an_aws_sigv4_authorization_whole():
    value = (f"AWS4-HMAC-SHA256 Credential={AKIA}/20250101/us-east-1/bedrock/aws4_request, "
             "SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe")
    out = redact_headers({"authorization": value})["authorization"]
    assert out == f"AWS4-HMAC-SHA256 …{MARK}…42fe"


@pytest.mark.parametrize("name", ["x-api-key", "authorization", "proxy-authorization", "cookie",
                                  "set-cookie", "x-auth-token", "x-goog-api-key",
                                  "x-amz-security-token", "client_secret", "aws_secret_access_key",
                                  "private_key", "accessToken", "refresh_token", "password",
                                  "authorization_token", "apiKey"])
def test_is_secret_name_recognises_credential_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["max_tokens", "input_tokens", "budget_tokens", "output_tokens",
                                  "cache_read_input_tokens", "anthropic-ratelimit-tokens-limit",
                                  "signature", "tokenizer", "content-type", "tool_use_id", "key",
                                  "model", "anthropic-version", "cache_control"])
def test_is_secret_name_leaves_api_fields_alone(name):
    assert not is_secret_name(name)


def test_redact_value_walks_a_payload_without_mutating_it_and_keeps_api_fields():
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "metadata": {"user_id": "u-42"},
        "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/sse",
                         "name": "gh", "authorization_token": "ghp_1a2b3c4d5e6f7g8h"}],
        "messages": [
            {"role": "user", "content": f"my key is {ANT_KEY}, why does it fail?"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "look at env", "signature": "EqQBCkYIARgCKkB" * 20},
                {"type": "tool_use", "id": "toolu_01XyZ", "name": "http",
                 "input": {"headers": {"x-api-key": "gw-123456789abc"}, "token_count": 5}},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01XyZ",
                 "content": [{"type": "text", "text": f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}"}]},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                             "data": "iVBORw0KGgoAKIAIOSFODNN7EXAMPLE" + "A" * 50}},
            ]},
        ],
    }
    original = copy.deepcopy(body)
    out = redact_value(body)
    assert body == original
    assert out["model"] == "claude-sonnet-4-5" and out["max_tokens"] == 1024
    assert out["metadata"] == {"user_id": "u-42"}
    assert out["mcp_servers"][0]["authorization_token"] == f"…{MARK}…7g8h"
    assert out["mcp_servers"][0]["url"] == "https://mcp.example.com/sse"
    assert ANT_KEY not in out["messages"][0]["content"]
    think, use = out["messages"][1]["content"]
    assert think == body["messages"][1]["content"][0]  # signature kept byte for byte
    assert use["input"] == {"headers": {"x-api-key": f"…{MARK}…9abc"}, "token_count": 5}
    result, image = out["messages"][2]["content"]
    assert result["content"][0]["text"] == f"AWS_SECRET_ACCESS_KEY=…{MARK}…EKEY"
    assert image == body["messages"][2]["content"][1]  # base64 data is opaque: untouched
    assert redact_value(out) == out


def test_redact_value_leaves_a_clean_payload_equal():
    body = {"model": "m", "max_tokens": 5, "temperature": 0.5, "stream": False,
            "messages": [{"role": "user", "content": "What is the weather in Paris? Use a token."}]}
    assert redact_value(body) == body


_secretish = st.sampled_from([ANT_KEY, OAT_KEY, ADMIN_KEY, OPENAI_KEY, AKIA, JWT, YA29,
                              f"Bearer {JWT}", f"aws_secret_access_key={AWS_SECRET}", PEM])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), _secretish), max_size=6).map(" ".join))
def test_redact_text_is_idempotent_and_leaves_no_planted_key(text):
    once = redact_text(text)
    assert redact_text(once) == once
    for secret in (ANT_KEY, OAT_KEY, ADMIN_KEY, OPENAI_KEY, JWT, YA29, AWS_SECRET):
        assert secret not in once
