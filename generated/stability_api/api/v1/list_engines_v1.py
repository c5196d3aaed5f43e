from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.engine import Engine
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
        "url": "/v1/engines/list",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> V1Error | list[Engine] | None:
    if response.status_code == 200:
        try:
            response_200 = []
            _response_200 = response.json()
            for response_200_item_data in _response_200:
                response_200_item = Engine.from_dict(response_200_item_data)

                response_200.append(response_200_item)

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[V1Error | list[Engine]]:
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
) -> Response[V1Error | list[Engine]]:
    """List the engines available to the key

     The engines the key's organization (or the one named by `Organization`) may use. The body is a bare
    JSON array of engines, not the `{"engines": [...]}` object of `/v1alpha/engines/list` (Stability's
    own TypeScript sample reads it as the object; its schema, followed here, says array). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[V1Error | list[Engine]]
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
) -> V1Error | list[Engine] | None:
    """List the engines available to the key

     The engines the key's organization (or the one named by `Organization`) may use. The body is a bare
    JSON array of engines, not the `{"engines": [...]}` object of `/v1alpha/engines/list` (Stability's
    own TypeScript sample reads it as the object; its schema, followed here, says array). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        V1Error | list[Engine]
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
) -> Response[V1Error | list[Engine]]:
    """List the engines available to the key

     The engines the key's organization (or the one named by `Organization`) may use. The body is a bare
    JSON array of engines, not the `{"engines": [...]}` object of `/v1alpha/engines/list` (Stability's
    own TypeScript sample reads it as the object; its schema, followed here, says array). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[V1Error | list[Engine]]
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
) -> V1Error | list[Engine] | None:
    """List the engines available to the key

     The engines the key's organization (or the one named by `Organization`) may use. The body is a bare
    JSON array of engines, not the `{"engines": [...]}` object of `/v1alpha/engines/list` (Stability's
    own TypeScript sample reads it as the object; its schema, followed here, says array). Not charged.

    Args:
        organization (str | Unset):
        stability_client_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        V1Error | list[Engine]
    """

    return (
        await asyncio_detailed(
            client=client,
            organization=organization,
            stability_client_id=stability_client_id,
            stability_client_version=stability_client_version,
        )
    ).parsed
