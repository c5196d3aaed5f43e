from io import BytesIO
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.content_moderation_response import ContentModerationResponse
from ...models.encoded_image import EncodedImage
from ...models.error_response import ErrorResponse
from ...models.inpaint_accept import InpaintAccept
from ...models.inpaint_request import InpaintRequest
from ...types import UNSET, File, Response, Unset, is_json_response, status_of


def _get_kwargs(
    *,
    body: InpaintRequest,
    accept: InpaintAccept | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(accept, Unset):
        headers["accept"] = str(accept)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2alpha/generation/stable-image/inpaint",
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
    body: InpaintRequest,
    accept: InpaintAccept | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Repaint part of an image (synchronous)

     Two modes, chosen by `mode`. `search`: the service finds what `search_prompt` names and replaces it
    as `prompt` describes. `mask`: the `mask` image (white = repaint fully, black = keep) or, without a
    mask, the transparent pixels of `image` say what to repaint; `search_prompt` is not used. The answer
    carries the image in the requested `output_format`: the bytes by default, or JSON with base64 when
    `accept: application/json`. Price: 4 cents in search mode, 3 cents in mask mode.

    Args:
        accept (InpaintAccept | Unset):
        body (InpaintRequest): Both inpaint modes in one flat object. In `search` mode
            `search_prompt` is required and `mask` unused; in `mask` mode `search_prompt` is unused
            and `mask` optional (without it, the alpha channel of `image` is the mask).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        body=body,
        accept=accept,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: InpaintRequest,
    accept: InpaintAccept | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Repaint part of an image (synchronous)

     Two modes, chosen by `mode`. `search`: the service finds what `search_prompt` names and replaces it
    as `prompt` describes. `mask`: the `mask` image (white = repaint fully, black = keep) or, without a
    mask, the transparent pixels of `image` say what to repaint; `search_prompt` is not used. The answer
    carries the image in the requested `output_format`: the bytes by default, or JSON with base64 when
    `accept: application/json`. Price: 4 cents in search mode, 3 cents in mask mode.

    Args:
        accept (InpaintAccept | Unset):
        body (InpaintRequest): Both inpaint modes in one flat object. In `search` mode
            `search_prompt` is required and `mask` unused; in `mask` mode `search_prompt` is unused
            and `mask` optional (without it, the alpha channel of `image` is the mask).

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
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: InpaintRequest,
    accept: InpaintAccept | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Repaint part of an image (synchronous)

     Two modes, chosen by `mode`. `search`: the service finds what `search_prompt` names and replaces it
    as `prompt` describes. `mask`: the `mask` image (white = repaint fully, black = keep) or, without a
    mask, the transparent pixels of `image` say what to repaint; `search_prompt` is not used. The answer
    carries the image in the requested `output_format`: the bytes by default, or JSON with base64 when
    `accept: application/json`. Price: 4 cents in search mode, 3 cents in mask mode.

    Args:
        accept (InpaintAccept | Unset):
        body (InpaintRequest): Both inpaint modes in one flat object. In `search` mode
            `search_prompt` is required and `mask` unused; in `mask` mode `search_prompt` is unused
            and `mask` optional (without it, the alpha channel of `image` is the mask).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        body=body,
        accept=accept,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: InpaintRequest,
    accept: InpaintAccept | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Repaint part of an image (synchronous)

     Two modes, chosen by `mode`. `search`: the service finds what `search_prompt` names and replaces it
    as `prompt` describes. `mask`: the `mask` image (white = repaint fully, black = keep) or, without a
    mask, the transparent pixels of `image` say what to repaint; `search_prompt` is not used. The answer
    carries the image in the requested `output_format`: the bytes by default, or JSON with base64 when
    `accept: application/json`. Price: 4 cents in search mode, 3 cents in mask mode.

    Args:
        accept (InpaintAccept | Unset):
        body (InpaintRequest): Both inpaint modes in one flat object. In `search` mode
            `search_prompt` is required and `mask` unused; in `mask` mode `search_prompt` is unused
            and `mask` optional (without it, the alpha channel of `image` is the mask).

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
        )
    ).parsed
