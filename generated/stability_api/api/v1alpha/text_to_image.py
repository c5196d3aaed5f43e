from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.artifact_list import ArtifactList
from ...models.goa_error import GoaError
from ...models.text_to_image_accept import TextToImageAccept
from ...models.text_to_image_request import TextToImageRequest
from ...types import UNSET, File, Response, Unset, is_json_response, status_of


def _get_kwargs(
    engine_id: str,
    *,
    body: TextToImageRequest,
    accept: TextToImageAccept,
    organization: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Accept"] = str(accept)

    if not isinstance(organization, Unset):
        headers["Organization"] = organization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1alpha/generation/{engine_id}/text-to-image".format(
            engine_id=quote(str(engine_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

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
    body: TextToImageRequest,
    accept: TextToImageAccept,
    organization: str | Unset = UNSET,
) -> Response[ArtifactList | GoaError | File]:
    """Generate images from text prompts

     Synchronous: the answer carries the image. With `Accept: image/png` the body is the PNG of one image
    and the seed and finish reason are in the `Seed` and `Finish-Reason` headers; with `Accept:
    application/json` the body lists one artifact per sample, each with its base64 PNG, seed and finish
    reason. Asking for more than one sample requires `Accept: application/json`.

    Args:
        engine_id (str):
        accept (TextToImageAccept):
        organization (str | Unset):
        body (TextToImageRequest):

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
    body: TextToImageRequest,
    accept: TextToImageAccept,
    organization: str | Unset = UNSET,
) -> ArtifactList | GoaError | File | None:
    """Generate images from text prompts

     Synchronous: the answer carries the image. With `Accept: image/png` the body is the PNG of one image
    and the seed and finish reason are in the `Seed` and `Finish-Reason` headers; with `Accept:
    application/json` the body lists one artifact per sample, each with its base64 PNG, seed and finish
    reason. Asking for more than one sample requires `Accept: application/json`.

    Args:
        engine_id (str):
        accept (TextToImageAccept):
        organization (str | Unset):
        body (TextToImageRequest):

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
    body: TextToImageRequest,
    accept: TextToImageAccept,
    organization: str | Unset = UNSET,
) -> Response[ArtifactList | GoaError | File]:
    """Generate images from text prompts

     Synchronous: the answer carries the image. With `Accept: image/png` the body is the PNG of one image
    and the seed and finish reason are in the `Seed` and `Finish-Reason` headers; with `Accept:
    application/json` the body lists one artifact per sample, each with its base64 PNG, seed and finish
    reason. Asking for more than one sample requires `Accept: application/json`.

    Args:
        engine_id (str):
        accept (TextToImageAccept):
        organization (str | Unset):
        body (TextToImageRequest):

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
    body: TextToImageRequest,
    accept: TextToImageAccept,
    organization: str | Unset = UNSET,
) -> ArtifactList | GoaError | File | None:
    """Generate images from text prompts

     Synchronous: the answer carries the image. With `Accept: image/png` the body is the PNG of one image
    and the seed and finish reason are in the `Seed` and `Finish-Reason` headers; with `Accept:
    application/json` the body lists one artifact per sample, each with its base64 PNG, seed and finish
    reason. Asking for more than one sample requires `Accept: application/json`.

    Args:
        engine_id (str):
        accept (TextToImageAccept):
        organization (str | Unset):
        body (TextToImageRequest):

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
