from io import BytesIO
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.content_moderation_response import ContentModerationResponse
from ...models.edit_outpaint_accept import (
    EditOutpaintAccept,
)
from ...models.edit_outpaint_request import EditOutpaintRequest
from ...models.encoded_image import EncodedImage
from ...models.error_response import ErrorResponse
from ...types import UNSET, File, Response, Unset, is_json_response, status_of


def _get_kwargs(
    *,
    body: EditOutpaintRequest,
    accept: EditOutpaintAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(accept, Unset):
        headers["accept"] = str(accept)

    if not isinstance(stability_client_id, Unset):
        headers["stability-client-id"] = stability_client_id

    if not isinstance(stability_client_user_id, Unset):
        headers["stability-client-user-id"] = stability_client_user_id

    if not isinstance(stability_client_version, Unset):
        headers["stability-client-version"] = stability_client_version

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2beta/stable-image/edit/outpaint",
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    if response.status_code == 200:
        if not is_json_response(response):
            return File(payload=BytesIO(response.content), mime_type=response.headers.get("content-type"))
        try:
            response_200 = EncodedImage.from_dict(response.json())

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
    if response.status_code == 413:
        try:
            response_413 = ErrorResponse.from_dict(response.json())

            return response_413

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 422:
        try:
            response_422 = ErrorResponse.from_dict(response.json())

            return response_422

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
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EditOutpaintRequest,
    accept: EditOutpaintAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Extend an image beyond its edges

     Adds new content around an image, `left`, `right`, `up` and `down` pixels on each side, matching
    what
    is already there. Synchronous: the answer is the image in `output_format`, as bytes
    (`accept: image/*`, the default) or as base64 in JSON (`accept: application/json`).

    What the schema cannot express: at least one of `left`, `right`, `up` and `down` must be more than
    0. For the best quality, Stability advises keeping each direction no larger than the image's own
    size in that dimension; no limit on their sum is documented. The directions are `up` and `down`
    (Stability's own curl sample sends `bottom`, which is no field). `prompt` is optional and may be
    empty; there is no `negative_prompt`.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, 4,096 to 9,437,184 pixels in all, and
    an aspect ratio (width / height) from 1:2.5 to 2.5:1.

    Output: Stability's document states no size; outpainting implies the input's size plus the
    requested margins.

    Price: 4 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (EditOutpaintAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditOutpaintRequest): Outpaint. At least one of `left`, `right`, `up` and `down`
            must be more than 0 (each is 0 when absent). `seed` is random and `output_format` `png`
            when absent. Numbers' defaults are in their descriptions, so that a client generated from
            this document sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        body=body,
        accept=accept,
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
    body: EditOutpaintRequest,
    accept: EditOutpaintAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Extend an image beyond its edges

     Adds new content around an image, `left`, `right`, `up` and `down` pixels on each side, matching
    what
    is already there. Synchronous: the answer is the image in `output_format`, as bytes
    (`accept: image/*`, the default) or as base64 in JSON (`accept: application/json`).

    What the schema cannot express: at least one of `left`, `right`, `up` and `down` must be more than
    0. For the best quality, Stability advises keeping each direction no larger than the image's own
    size in that dimension; no limit on their sum is documented. The directions are `up` and `down`
    (Stability's own curl sample sends `bottom`, which is no field). `prompt` is optional and may be
    empty; there is no `negative_prompt`.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, 4,096 to 9,437,184 pixels in all, and
    an aspect ratio (width / height) from 1:2.5 to 2.5:1.

    Output: Stability's document states no size; outpainting implies the input's size plus the
    requested margins.

    Price: 4 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (EditOutpaintAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditOutpaintRequest): Outpaint. At least one of `left`, `right`, `up` and `down`
            must be more than 0 (each is 0 when absent). `seed` is random and `output_format` `png`
            when absent. Numbers' defaults are in their descriptions, so that a client generated from
            this document sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentModerationResponse | EncodedImage | ErrorResponse | File
    """

    return sync_detailed(
        client=client,
        body=body,
        accept=accept,
        stability_client_id=stability_client_id,
        stability_client_user_id=stability_client_user_id,
        stability_client_version=stability_client_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EditOutpaintRequest,
    accept: EditOutpaintAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Extend an image beyond its edges

     Adds new content around an image, `left`, `right`, `up` and `down` pixels on each side, matching
    what
    is already there. Synchronous: the answer is the image in `output_format`, as bytes
    (`accept: image/*`, the default) or as base64 in JSON (`accept: application/json`).

    What the schema cannot express: at least one of `left`, `right`, `up` and `down` must be more than
    0. For the best quality, Stability advises keeping each direction no larger than the image's own
    size in that dimension; no limit on their sum is documented. The directions are `up` and `down`
    (Stability's own curl sample sends `bottom`, which is no field). `prompt` is optional and may be
    empty; there is no `negative_prompt`.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, 4,096 to 9,437,184 pixels in all, and
    an aspect ratio (width / height) from 1:2.5 to 2.5:1.

    Output: Stability's document states no size; outpainting implies the input's size plus the
    requested margins.

    Price: 4 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (EditOutpaintAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditOutpaintRequest): Outpaint. At least one of `left`, `right`, `up` and `down`
            must be more than 0 (each is 0 when absent). `seed` is random and `output_format` `png`
            when absent. Numbers' defaults are in their descriptions, so that a client generated from
            this document sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        body=body,
        accept=accept,
        stability_client_id=stability_client_id,
        stability_client_user_id=stability_client_user_id,
        stability_client_version=stability_client_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: EditOutpaintRequest,
    accept: EditOutpaintAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Extend an image beyond its edges

     Adds new content around an image, `left`, `right`, `up` and `down` pixels on each side, matching
    what
    is already there. Synchronous: the answer is the image in `output_format`, as bytes
    (`accept: image/*`, the default) or as base64 in JSON (`accept: application/json`).

    What the schema cannot express: at least one of `left`, `right`, `up` and `down` must be more than
    0. For the best quality, Stability advises keeping each direction no larger than the image's own
    size in that dimension; no limit on their sum is documented. The directions are `up` and `down`
    (Stability's own curl sample sends `bottom`, which is no field). `prompt` is optional and may be
    empty; there is no `negative_prompt`.

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, 4,096 to 9,437,184 pixels in all, and
    an aspect ratio (width / height) from 1:2.5 to 2.5:1.

    Output: Stability's document states no size; outpainting implies the input's size plus the
    requested margins.

    Price: 4 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (EditOutpaintAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditOutpaintRequest): Outpaint. At least one of `left`, `right`, `up` and `down`
            must be more than 0 (each is 0 when absent). `seed` is random and `output_format` `png`
            when absent. Numbers' defaults are in their descriptions, so that a client generated from
            this document sends only what its caller sets.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentModerationResponse | EncodedImage | ErrorResponse | File
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            accept=accept,
            stability_client_id=stability_client_id,
            stability_client_user_id=stability_client_user_id,
            stability_client_version=stability_client_version,
        )
    ).parsed
