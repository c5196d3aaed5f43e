from io import BytesIO
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.content_moderation_response import ContentModerationResponse
from ...models.control_sketch_accept import (
    ControlSketchAccept,
)
from ...models.control_sketch_request import ControlSketchRequest
from ...models.encoded_image import EncodedImage
from ...models.error_response import ErrorResponse
from ...types import UNSET, File, Response, Unset, is_json_response, status_of


def _get_kwargs(
    *,
    body: ControlSketchRequest,
    accept: ControlSketchAccept | Unset = "image/*",
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
        "url": "/v2beta/stable-image/control/sketch",
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
    body: ControlSketchRequest,
    accept: ControlSketchAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Turn a sketch into a finished image

     Upgrades a rough drawing to a finished image that follows `prompt`; on other images it follows their
    contour lines and edges. `control_strength` sets how much the input steers the result. Synchronous:
    the answer is the image in `output_format`, as bytes (`accept: image/*`, the default) or as base64
    in JSON (`accept: application/json`).

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, at most 9,437,184 pixels in all (e.g.
    3072x3072 or 4096x2304; no other minimum is stated), and an aspect ratio (width / height) from 1:2.5
    to 2.5:1.

    Output: the same resolution as the input (Stability's description).

    Price: 3 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (ControlSketchAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (ControlSketchRequest): Sketch control. `control_strength` is 0.7, `seed` random and
            `output_format` `png` when absent. Numbers' defaults are in their descriptions, so that a
            client generated from this document sends only what its caller sets.

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
    body: ControlSketchRequest,
    accept: ControlSketchAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Turn a sketch into a finished image

     Upgrades a rough drawing to a finished image that follows `prompt`; on other images it follows their
    contour lines and edges. `control_strength` sets how much the input steers the result. Synchronous:
    the answer is the image in `output_format`, as bytes (`accept: image/*`, the default) or as base64
    in JSON (`accept: application/json`).

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, at most 9,437,184 pixels in all (e.g.
    3072x3072 or 4096x2304; no other minimum is stated), and an aspect ratio (width / height) from 1:2.5
    to 2.5:1.

    Output: the same resolution as the input (Stability's description).

    Price: 3 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (ControlSketchAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (ControlSketchRequest): Sketch control. `control_strength` is 0.7, `seed` random and
            `output_format` `png` when absent. Numbers' defaults are in their descriptions, so that a
            client generated from this document sends only what its caller sets.

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
    body: ControlSketchRequest,
    accept: ControlSketchAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Turn a sketch into a finished image

     Upgrades a rough drawing to a finished image that follows `prompt`; on other images it follows their
    contour lines and edges. `control_strength` sets how much the input steers the result. Synchronous:
    the answer is the image in `output_format`, as bytes (`accept: image/*`, the default) or as base64
    in JSON (`accept: application/json`).

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, at most 9,437,184 pixels in all (e.g.
    3072x3072 or 4096x2304; no other minimum is stated), and an aspect ratio (width / height) from 1:2.5
    to 2.5:1.

    Output: the same resolution as the input (Stability's description).

    Price: 3 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (ControlSketchAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (ControlSketchRequest): Sketch control. `control_strength` is 0.7, `seed` random and
            `output_format` `png` when absent. Numbers' defaults are in their descriptions, so that a
            client generated from this document sends only what its caller sets.

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
    body: ControlSketchRequest,
    accept: ControlSketchAccept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Turn a sketch into a finished image

     Upgrades a rough drawing to a finished image that follows `prompt`; on other images it follows their
    contour lines and edges. `control_strength` sets how much the input steers the result. Synchronous:
    the answer is the image in `output_format`, as bytes (`accept: image/*`, the default) or as base64
    in JSON (`accept: application/json`).

    Input: a JPEG, PNG or WEBP with every side at least 64 pixels, at most 9,437,184 pixels in all (e.g.
    3072x3072 or 4096x2304; no other minimum is stated), and an aspect ratio (width / height) from 1:2.5
    to 2.5:1.

    Output: the same resolution as the input (Stability's description).

    Price: 3 credits per successful image. Failed and moderated requests are not charged.

    Args:
        accept (ControlSketchAccept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (ControlSketchRequest): Sketch control. `control_strength` is 0.7, `seed` random and
            `output_format` `png` when absent. Numbers' defaults are in their descriptions, so that a
            client generated from this document sends only what its caller sets.

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
