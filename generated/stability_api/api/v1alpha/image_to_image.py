from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.artifact_list import ArtifactList
from ...models.goa_error import GoaError
from ...models.image_to_image_accept import (
    ImageToImageAccept,
)
from ...models.image_to_image_request import ImageToImageRequest
from ...types import UNSET, File, Response, Unset, is_json_response, status_of


def _get_kwargs(
    engine_id: str,
    *,
    body: ImageToImageRequest,
    accept: ImageToImageAccept,
    organization: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Accept"] = str(accept)

    if not isinstance(organization, Unset):
        headers["Organization"] = organization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1alpha/generation/{engine_id}/image-to-image".format(
            engine_id=quote(str(engine_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ArtifactList | GoaError | File | None:
    if response.status_code == 200:
        if not is_json_response(response):
            return File(payload=BytesIO(response.content), mime_type=response.headers.get("content-type"))
        try:
            response_200 = ArtifactList.from_dict(response.json())

            return response_200

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 400:
        try:
            response_400 = GoaError.from_dict(response.json())

            return response_400

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 401:
        try:
            response_401 = GoaError.from_dict(response.json())

            return response_401

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 403:
        try:
            response_403 = GoaError.from_dict(response.json())

            return response_403

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 404:
        try:
            response_404 = GoaError.from_dict(response.json())

            return response_404

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 429:
        try:
            response_429 = GoaError.from_dict(response.json())

            return response_429

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
) -> Response[ArtifactList | GoaError | File]:
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    engine_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ImageToImageRequest,
    accept: ImageToImageAccept,
    organization: str | Unset = UNSET,
) -> Response[ArtifactList | GoaError | File]:
    """Generate images from an initial image and text prompts

     Multipart: the `init_image` file and one `options` part holding the JSON-encoded generation options.
    The output has the size of the initial image. `step_schedule_start` says how much of the initial
    image is kept (0 returns it unchanged, 1 ignores it). Responses are as for text-to-image.

    Args:
        engine_id (str):
        accept (ImageToImageAccept):
        organization (str | Unset):
        body (ImageToImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ArtifactList | GoaError | File]
    """

    kwargs = _get_kwargs(
        engine_id=engine_id,
        body=body,
        accept=accept,
        organization=organization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    engine_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ImageToImageRequest,
    accept: ImageToImageAccept,
    organization: str | Unset = UNSET,
) -> ArtifactList | GoaError | File | None:
    """Generate images from an initial image and text prompts

     Multipart: the `init_image` file and one `options` part holding the JSON-encoded generation options.
    The output has the size of the initial image. `step_schedule_start` says how much of the initial
    image is kept (0 returns it unchanged, 1 ignores it). Responses are as for text-to-image.

    Args:
        engine_id (str):
        accept (ImageToImageAccept):
        organization (str | Unset):
        body (ImageToImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ArtifactList | GoaError | File
    """

    return sync_detailed(
        engine_id=engine_id,
        client=client,
        body=body,
        accept=accept,
        organization=organization,
    ).parsed


async def asyncio_detailed(
    engine_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ImageToImageRequest,
    accept: ImageToImageAccept,
    organization: str | Unset = UNSET,
) -> Response[ArtifactList | GoaError | File]:
    """Generate images from an initial image and text prompts

     Multipart: the `init_image` file and one `options` part holding the JSON-encoded generation options.
    The output has the size of the initial image. `step_schedule_start` says how much of the initial
    image is kept (0 returns it unchanged, 1 ignores it). Responses are as for text-to-image.

    Args:
        engine_id (str):
        accept (ImageToImageAccept):
        organization (str | Unset):
        body (ImageToImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ArtifactList | GoaError | File]
    """

    kwargs = _get_kwargs(
        engine_id=engine_id,
        body=body,
        accept=accept,
        organization=organization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    engine_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ImageToImageRequest,
    accept: ImageToImageAccept,
    organization: str | Unset = UNSET,
) -> ArtifactList | GoaError | File | None:
    """Generate images from an initial image and text prompts

     Multipart: the `init_image` file and one `options` part holding the JSON-encoded generation options.
    The output has the size of the initial image. `step_schedule_start` says how much of the initial
    image is kept (0 returns it unchanged, 1 ignores it). Responses are as for text-to-image.

    Args:
        engine_id (str):
        accept (ImageToImageAccept):
        organization (str | Unset):
        body (ImageToImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ArtifactList | GoaError | File
    """

    return (
        await asyncio_detailed(
            engine_id=engine_id,
            client=client,
            body=body,
            accept=accept,
            organization=organization,
        )
    ).parsed
