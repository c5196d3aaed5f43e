"""v1: the account, its balance and its engines, as Stability serves them today (``account()``, ``balance()``,
``engines()``; the v1alpha twins are ``account_v1alpha()`` and so on)."""

from __future__ import annotations

from typing import Final

from .v1alpha import parse_account, parse_balance, parse_engines, read_entry

ENTRIES: Final = (
    # The fake's former names go with the methods people called with them (now v1).
    read_entry("engines", "engines", "listEnginesV1", "stability_api.api.v1.list_engines_v1", parse_engines,
               "List the engines your key may use.", former_name="list_engines"),
    read_entry("account", "account", "userAccount", "stability_api.api.v1.user_account", parse_account,
               "Show the account that owns the key.", former_name="get_account"),
    read_entry("balance", "balance", "userBalance", "stability_api.api.v1.user_balance", parse_balance,
               "Show your credits (1 credit = 1 US cent).", former_name="get_balance"),
)  # fmt: skip
