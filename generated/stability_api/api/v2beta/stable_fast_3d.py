from io import BytesIO
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.content_moderation_response import ContentModerationResponse
from ...models.error_response import ErrorResponse
from ...models.stable_fast_3d_request import StableFast3DRequest
from ...types import (
    UNSET,
    File,
    Response,
    Unset,
    status_of,
)


def _get_kwargs(
    *,
    body: StableFast3DRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(stability_client_id, Unset):
        headers["stability-client-id"] = stability_client_id

    if not isinstance(stability_client_user_id, Unset):
        headers["stability-client-user-id"] = stability_client_user_id

    if not isinstance(stability_client_version, Unset):
        headers["stability-client-version"] = stability_client_version

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2beta/3d/stable-fast-3d",
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContentModerationResponse | ErrorResponse | File | None:
    if response.status_code == 200:
        # A binary answer (the 3D model): the File carries its media type, from the Content-Type.
        return File(payload=BytesIO(response.content), mime_type=response.headers.get("content-type"))
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
    if response.status_code == 413:
        try:
            response_413 = ErrorResponse.from_dict(response.json())

            return response_413

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
) -> Response[ContentModerationResponse | ErrorResponse | File]:
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StableFast3DRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | ErrorResponse | File]:
    """Make a 3D model (GLB) from one image

     Stable Fast 3D: a textured 3D model of the object in a single image. Synchronous: the answer is a
    binary glTF file (`model/gltf-binary`, a GLB holding the JSON, buffers and images), not an image.
    There is no JSON form of the answer, so no `accept`, and it carries no seed, finish reason or
    request id: only its content type.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels and 4,096 to 4,194,304 pixels in all.

    Stability documents no 422 for this operation.

    Price: 2 credits per successful model. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (StableFast3DRequest): Stable Fast 3D. `texture_resolution` is `1024`,
            `foreground_ratio` 0.85, `remesh` `none` and `vertex_count` -1 (no limit) when absent.
            Numbers' defaults are in their descriptions, so that a client generated from this document
            sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        body=body,
        stability_client_id=stability_client_id,
        stability_client_user_id=stability_client_user_id,
        stability_client_version=stability_client_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: StableFast3DRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | ErrorResponse | File | None:
    """Make a 3D model (GLB) from one image

     Stable Fast 3D: a textured 3D model of the object in a single image. Synchronous: the answer is a
    binary glTF file (`model/gltf-binary`, a GLB holding the JSON, buffers and images), not an image.
    There is no JSON form of the answer, so no `accept`, and it carries no seed, finish reason or
    request id: only its content type.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels and 4,096 to 4,194,304 pixels in all.

    Stability documents no 422 for this operation.

    Price: 2 credits per successful model. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (StableFast3DRequest): Stable Fast 3D. `texture_resolution` is `1024`,
            `foreground_ratio` 0.85, `remesh` `none` and `vertex_count` -1 (no limit) when absent.
            Numbers' defaults are in their descriptions, so that a client generated from this document
            sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentModerationResponse | ErrorResponse | File
    """

    return sync_detailed(
        client=client,
        body=body,
        stability_client_id=stability_client_id,
        stability_client_user_id=stability_client_user_id,
        stability_client_version=stability_client_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StableFast3DRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | ErrorResponse | File]:
    """Make a 3D model (GLB) from one image

     Stable Fast 3D: a textured 3D model of the object in a single image. Synchronous: the answer is a
    binary glTF file (`model/gltf-binary`, a GLB holding the JSON, buffers and images), not an image.
    There is no JSON form of the answer, so no `accept`, and it carries no seed, finish reason or
    request id: only its content type.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels and 4,096 to 4,194,304 pixels in all.

    Stability documents no 422 for this operation.

    Price: 2 credits per successful model. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (StableFast3DRequest): Stable Fast 3D. `texture_resolution` is `1024`,
            `foreground_ratio` 0.85, `remesh` `none` and `vertex_count` -1 (no limit) when absent.
            Numbers' defaults are in their descriptions, so that a client generated from this document
            sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        body=body,
        stability_client_id=stability_client_id,
        stability_client_user_id=stability_client_user_id,
        stability_client_version=stability_client_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: StableFast3DRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | ErrorResponse | File | None:
    """Make a 3D model (GLB) from one image

     Stable Fast 3D: a textured 3D model of the object in a single image. Synchronous: the answer is a
    binary glTF file (`model/gltf-binary`, a GLB holding the JSON, buffers and images), not an image.
    There is no JSON form of the answer, so no `accept`, and it carries no seed, finish reason or
    request id: only its content type.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels and 4,096 to 4,194,304 pixels in all.

    Stability documents no 422 for this operation.

    Price: 2 credits per successful model. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (StableFast3DRequest): Stable Fast 3D. `texture_resolution` is `1024`,
            `foreground_ratio` 0.85, `remesh` `none` and `vertex_count` -1 (no limit) when absent.
            Numbers' defaults are in their descriptions, so that a client generated from this document
            sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentModerationResponse | ErrorResponse | File
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            stability_client_id=stability_client_id,
            stability_client_user_id=stability_client_user_id,
            stability_client_version=stability_client_version,
        )
    ).parsed
