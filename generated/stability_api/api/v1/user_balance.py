from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balance import Balance
from ...models.v1_error import V1Error
from ...types import UNSET, Response, Unset, status_of


def _get_kwargs(
    *,
    organization: str | Unset = UNSET,
    stability_client_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(organization, Unset):
        headers["Organization"] = organization

    if not isinstance(stability_client_id, Unset):
        headers["Stability-Client-ID"] = stability_client_id

    if not isinstance(stability_client_version, Unset):
        headers["Stability-Client-Version"] = stability_client_version

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/user/balance",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Balance | V1Error | None:
    if response.status_code == 200:
        try:
            response_200 = Balance.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Balance | V1Error]:
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    organization: str | Unset = UNSET,
    stability_client_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[Balance | V1Error]:
    """Read the credit balance

     The credits left to the key's default organization, or to the one named by `Organization`. The
    balance is fractional (prices such as 3.5 or 6.5 credits exist). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Balance | V1Error]
    """

    kwargs = _get_kwargs(
        organization=organization,
        stability_client_id=stability_client_id,
        stability_client_version=stability_client_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    organization: str | Unset = UNSET,
    stability_client_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Balance | V1Error | None:
    """Read the credit balance

     The credits left to the key's default organization, or to the one named by `Organization`. The
    balance is fractional (prices such as 3.5 or 6.5 credits exist). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Balance | V1Error
    """

    return sync_detailed(
        client=client,
        organization=organization,
        stability_client_id=stability_client_id,
        stability_client_version=stability_client_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    organization: str | Unset = UNSET,
    stability_client_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[Balance | V1Error]:
    """Read the credit balance

     The credits left to the key's default organization, or to the one named by `Organization`. The
    balance is fractional (prices such as 3.5 or 6.5 credits exist). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Balance | V1Error]
    """

    kwargs = _get_kwargs(
        organization=organization,
        stability_client_id=stability_client_id,
        stability_client_version=stability_client_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    organization: str | Unset = UNSET,
    stability_client_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Balance | V1Error | None:
    """Read the credit balance

     The credits left to the key's default organization, or to the one named by `Organization`. The
    balance is fractional (prices such as 3.5 or 6.5 credits exist). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Balance | V1Error
    """

    return (
        await asyncio_detailed(
            client=client,
            organization=organization,
            stability_client_id=stability_client_id,
            stability_client_version=stability_client_version,
        )
    ).parsed
