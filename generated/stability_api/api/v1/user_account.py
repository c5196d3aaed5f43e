from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account import Account
from ...models.v1_error import V1Error
from ...types import Response, status_of


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/user/account",
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Account | V1Error | None:
    if response.status_code == 200:
        try:
            response_200 = Account.from_dict(response.json())

            return response_200

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 401:
        try:
            response_401 = V1Error.from_dict(response.json())

            return response_401

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 429:
        try:
            response_429 = V1Error.from_dict(response.json())

            return response_429

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 500:
        try:
            response_500 = V1Error.from_dict(response.json())

            return response_500

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Account | V1Error]:
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Account | V1Error]:
    """Describe the account that owns the key

     The account behind the API key: its id, email, the organizations it belongs to (each with the role
    it holds there and whether it is the default one) and, when one is set, a profile picture URL. Not
    charged. Unlike the balance and the engine list, this operation takes no `Organization` header
    (Stability's document declares no header at all here).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Account | V1Error]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Account | V1Error | None:
    """Describe the account that owns the key

     The account behind the API key: its id, email, the organizations it belongs to (each with the role
    it holds there and whether it is the default one) and, when one is set, a profile picture URL. Not
    charged. Unlike the balance and the engine list, this operation takes no `Organization` header
    (Stability's document declares no header at all here).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Account | V1Error
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Account | V1Error]:
    """Describe the account that owns the key

     The account behind the API key: its id, email, the organizations it belongs to (each with the role
    it holds there and whether it is the default one) and, when one is set, a profile picture URL. Not
    charged. Unlike the balance and the engine list, this operation takes no `Organization` header
    (Stability's document declares no header at all here).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Account | V1Error]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Account | V1Error | None:
    """Describe the account that owns the key

     The account behind the API key: its id, email, the organizations it belongs to (each with the role
    it holds there and whether it is the default one) and, when one is set, a profile picture URL. Not
    charged. Unlike the balance and the engine list, this operation takes no `Organization` header
    (Stability's document declares no header at all here).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Account | V1Error
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
