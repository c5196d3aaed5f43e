from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.content_moderation_response import ContentModerationResponse
from ...models.error_response import ErrorResponse
from ...models.generation_started import GenerationStarted
from ...models.upscale_request import UpscaleRequest
from ...types import Response, status_of


def _get_kwargs(
    *,
    body: UpscaleRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2alpha/generation/stable-image/upscale",
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContentModerationResponse | ErrorResponse | GenerationStarted | None:
    if response.status_code == 200:
        try:
            response_200 = GenerationStarted.from_dict(response.json())

            return response_200

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 400:
        try:
            response_400 = ErrorResponse.from_dict(response.json())

            return response_400

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 401:
        try:
            response_401 = ErrorResponse.from_dict(response.json())

            return response_401

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 403:
        try:
            response_403 = ContentModerationResponse.from_dict(response.json())

            return response_403

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 429:
        try:
            response_429 = ErrorResponse.from_dict(response.json())

            return response_429

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 500:
        try:
            response_500 = ErrorResponse.from_dict(response.json())

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
) -> Response[ContentModerationResponse | ErrorResponse | GenerationStarted]:
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UpscaleRequest,
) -> Response[ContentModerationResponse | ErrorResponse | GenerationStarted]:
    """Start an upscale of an image (up to 4K)

     Asynchronous. The answer is 200 with the generation `id`; poll `/v2alpha/generation/stable-
    image/upscale/result/{id}` with the same key, no more often than once every 10 seconds. The input
    may have 4,096 to 1,048,576 pixels with every side at least 64. Price: 25 cents per generation.

    Args:
        body (UpscaleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | ErrorResponse | GenerationStarted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: UpscaleRequest,
) -> ContentModerationResponse | ErrorResponse | GenerationStarted | None:
    """Start an upscale of an image (up to 4K)

     Asynchronous. The answer is 200 with the generation `id`; poll `/v2alpha/generation/stable-
    image/upscale/result/{id}` with the same key, no more often than once every 10 seconds. The input
    may have 4,096 to 1,048,576 pixels with every side at least 64. Price: 25 cents per generation.

    Args:
        body (UpscaleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentModerationResponse | ErrorResponse | GenerationStarted
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UpscaleRequest,
) -> Response[ContentModerationResponse | ErrorResponse | GenerationStarted]:
    """Start an upscale of an image (up to 4K)

     Asynchronous. The answer is 200 with the generation `id`; poll `/v2alpha/generation/stable-
    image/upscale/result/{id}` with the same key, no more often than once every 10 seconds. The input
    may have 4,096 to 1,048,576 pixels with every side at least 64. Price: 25 cents per generation.

    Args:
        body (UpscaleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | ErrorResponse | GenerationStarted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: UpscaleRequest,
) -> ContentModerationResponse | ErrorResponse | GenerationStarted | None:
    """Start an upscale of an image (up to 4K)

     Asynchronous. The answer is 200 with the generation `id`; poll `/v2alpha/generation/stable-
    image/upscale/result/{id}` with the same key, no more often than once every 10 seconds. The input
    may have 4,096 to 1,048,576 pixels with every side at least 64. Price: 25 cents per generation.

    Args:
        body (UpscaleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentModerationResponse | ErrorResponse | GenerationStarted
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
