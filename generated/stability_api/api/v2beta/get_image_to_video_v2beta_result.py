from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.encoded_video import EncodedVideo
from ...models.error_response import ErrorResponse
from ...models.generation_in_progress import GenerationInProgress
from ...models.get_image_to_video_v2_beta_result_accept import (
    GetImageToVideoV2BetaResultAccept,
)
from ...types import UNSET, File, Response, Unset, is_json_response, status_of


def _get_kwargs(
    id: str,
    *,
    accept: GetImageToVideoV2BetaResultAccept | Unset = "video/*",
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
        "method": "get",
        "url": "/v2beta/image-to-video/result/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EncodedVideo | ErrorResponse | GenerationInProgress | File | None:
    if response.status_code == 200:
        if not is_json_response(response):
            return File(payload=BytesIO(response.content), mime_type=response.headers.get("content-type"))
        try:
            response_200 = EncodedVideo.from_dict(response.json())

            return response_200

        except (ValueError, KeyError, TypeError):
            # A body that is not the documented JSON (an HTML error page, a truncated body) is unexpected.
            if client.raise_on_unexpected_status:
                raise errors.UnexpectedStatus(response.status_code, response.content) from None
            return None
    if response.status_code == 202:
        try:
            response_202 = GenerationInProgress.from_dict(response.json())

            return response_202

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
    if response.status_code == 404:
        try:
            response_404 = ErrorResponse.from_dict(response.json())

            return response_404

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
) -> Response[EncodedVideo | ErrorResponse | GenerationInProgress | File]:
    return Response(
        status_code=status_of(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    accept: GetImageToVideoV2BetaResultAccept | Unset = "video/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[EncodedVideo | ErrorResponse | GenerationInProgress | File]:
    """Fetch the result of a video generation

     202 with `status: in-progress` (JSON, whatever you accept) while the video is being made, then 200
    with the video: MP4 bytes by default (`accept: video/*`), or base64 in JSON with
    `accept: application/json`. `CONTENT_FILTERED` means that one or more frames were blurred. Poll no
    more often than once every 10 seconds. Results are kept for 24 hours (then the video has to be
    generated again); past that, or with another key than the one that started it, the answer is 404
    `generation_not_found`. The 429 is not in Stability's document: the service-wide rate limit applies
    to polls too.

    Args:
        id (str): The id of an asynchronous generation (64 characters). Example:
            a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4.
        accept (GetImageToVideoV2BetaResultAccept | Unset):  Default: 'video/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EncodedVideo | ErrorResponse | GenerationInProgress | File]
    """

    kwargs = _get_kwargs(
        id=id,
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
    id: str,
    *,
    client: AuthenticatedClient | Client,
    accept: GetImageToVideoV2BetaResultAccept | Unset = "video/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> EncodedVideo | ErrorResponse | GenerationInProgress | File | None:
    """Fetch the result of a video generation

     202 with `status: in-progress` (JSON, whatever you accept) while the video is being made, then 200
    with the video: MP4 bytes by default (`accept: video/*`), or base64 in JSON with
    `accept: application/json`. `CONTENT_FILTERED` means that one or more frames were blurred. Poll no
    more often than once every 10 seconds. Results are kept for 24 hours (then the video has to be
    generated again); past that, or with another key than the one that started it, the answer is 404
    `generation_not_found`. The 429 is not in Stability's document: the service-wide rate limit applies
    to polls too.

    Args:
        id (str): The id of an asynchronous generation (64 characters). Example:
            a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4.
        accept (GetImageToVideoV2BetaResultAccept | Unset):  Default: 'video/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EncodedVideo | ErrorResponse | GenerationInProgress | File
    """

    return sync_detailed(
        id=id,
        client=client,
        accept=accept,
        stability_client_id=stability_client_id,
        stability_client_user_id=stability_client_user_id,
        stability_client_version=stability_client_version,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    accept: GetImageToVideoV2BetaResultAccept | Unset = "video/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[EncodedVideo | ErrorResponse | GenerationInProgress | File]:
    """Fetch the result of a video generation

     202 with `status: in-progress` (JSON, whatever you accept) while the video is being made, then 200
    with the video: MP4 bytes by default (`accept: video/*`), or base64 in JSON with
    `accept: application/json`. `CONTENT_FILTERED` means that one or more frames were blurred. Poll no
    more often than once every 10 seconds. Results are kept for 24 hours (then the video has to be
    generated again); past that, or with another key than the one that started it, the answer is 404
    `generation_not_found`. The 429 is not in Stability's document: the service-wide rate limit applies
    to polls too.

    Args:
        id (str): The id of an asynchronous generation (64 characters). Example:
            a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4.
        accept (GetImageToVideoV2BetaResultAccept | Unset):  Default: 'video/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EncodedVideo | ErrorResponse | GenerationInProgress | File]
    """

    kwargs = _get_kwargs(
        id=id,
        accept=accept,
        stability_client_id=stability_client_id,
        stability_client_user_id=stability_client_user_id,
        stability_client_version=stability_client_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    accept: GetImageToVideoV2BetaResultAccept | Unset = "video/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> EncodedVideo | ErrorResponse | GenerationInProgress | File | None:
    """Fetch the result of a video generation

     202 with `status: in-progress` (JSON, whatever you accept) while the video is being made, then 200
    with the video: MP4 bytes by default (`accept: video/*`), or base64 in JSON with
    `accept: application/json`. `CONTENT_FILTERED` means that one or more frames were blurred. Poll no
    more often than once every 10 seconds. Results are kept for 24 hours (then the video has to be
    generated again); past that, or with another key than the one that started it, the answer is 404
    `generation_not_found`. The 429 is not in Stability's document: the service-wide rate limit applies
    to polls too.

    Args:
        id (str): The id of an asynchronous generation (64 characters). Example:
            a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4.
        accept (GetImageToVideoV2BetaResultAccept | Unset):  Default: 'video/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EncodedVideo | ErrorResponse | GenerationInProgress | File
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            accept=accept,
            stability_client_id=stability_client_id,
            stability_client_user_id=stability_client_user_id,
            stability_client_version=stability_client_version,
        )
    ).parsed
