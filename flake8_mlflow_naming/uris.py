"""Printing URIs without their secrets.

Tracking and artifact URIs often carry credentials (``https://user:token@host``, Azure SAS
``?sig=…``). Whatever the tool prints (findings, errors, audit reports) goes through
:func:`mask_credentials` first.
"""

from __future__ import annotations

import re

# Azure's wasb(s)/abfs(s) URIs put the container (file system) name where user-info goes:
# ``wasbs://container@account.blob.core.windows.net`` names no secret, so it stays visible.
_USERINFO = re.compile(r"(?i)\b(?!(?:wasbs?|abfss?)://[^/@\s?#:]+@)([a-z][a-z0-9+.-]*:/{1,3})([^/@\s?#]+)@")
_SECRET_PARAMETER = re.compile(
    r"(?i)([?&;](?:sig|signature|token|access_token|password|passwd|pwd|secret|key|apikey|api_key|"
    r"x-amz-signature|x-amz-credential|x-amz-security-token|credential)=)[^&;#\s'\"]*"
)


def mask_credentials(text: str) -> str:
    """``text`` with the user-info of every URI and secret-looking query values replaced by ``***``."""
    return _SECRET_PARAMETER.sub(r"\1***", _USERINFO.sub(r"\1***@", text))
