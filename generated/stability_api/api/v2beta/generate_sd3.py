from io import BytesIO
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.content_moderation_response import ContentModerationResponse
from ...models.encoded_image import EncodedImage
from ...models.error_response import ErrorResponse
from ...models.generate_sd_3_accept import GenerateSd3Accept
from ...models.generate_sd_3_request import GenerateSd3Request
from ...types import UNSET, File, Response, Unset, is_json_response, status_of


def _get_kwargs(
    *,
    body: GenerateSd3Request,
    accept: GenerateSd3Accept | Unset = "image/*",
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
        "url": "/v2beta/stable-image/generate/sd3",
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
    body: GenerateSd3Request,
    accept: GenerateSd3Accept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Generate an image with Stable Diffusion 3.5 or 3.0

     The Stable Diffusion 3.5 models (large, large turbo, medium) and the 3.0 ones (large, large turbo,
    medium; Stability serves these through Fireworks AI), chosen by `model`. Synchronous: the answer is
    the image, PNG or JPEG only, as bytes (`accept: image/*`, the default) or as base64 in JSON
    (`accept: application/json`).

    Two modes, chosen by `mode`; what the schema cannot express:
    - `text-to-image` (the default): `prompt`, and optionally `aspect_ratio` (`1:1` when absent).
      `image` and `strength` are not accepted in this mode.
    - `image-to-image`: `image` and `strength` are both required. `aspect_ratio` is not accepted (the
      output follows the input's shape). The image is a JPEG, PNG or WEBP with every side at least 64
      pixels; no pixel count is documented, but the whole request may not exceed 10 MiB.

    `negative_prompt` has no effect with `sd3-large-turbo` (the document names only that model, not
    `sd3.5-large-turbo`). `cfg_scale` has no documented default: the model picks one when it is absent.

    Output: about 1 megapixel (1024x1024 at `1:1`); no pixel size is documented for other ratios.

    Price per successful image, by model: 6.5 credits for `sd3.5-large` and `sd3-large`, 4 for
    `sd3.5-large-turbo` and `sd3-large-turbo`, 3.5 for `sd3.5-medium` and `sd3-medium`. Failed and
    moderated requests are not charged.

    Args:
        accept (GenerateSd3Accept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (GenerateSd3Request): Stable Diffusion 3.5 / 3.0, both modes in one flat object. In
            `text-to-image` (the default) send no `image` and no `strength`; `aspect_ratio` is
            optional (`1:1` when absent). In `image-to-image`, `image` and `strength` are required and
            `aspect_ratio` is not accepted. `model` is `sd3.5-large`, `seed` random and
            `output_format` `png` when absent; `negative_prompt` has no effect with `sd3-large-turbo`.

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
    body: GenerateSd3Request,
    accept: GenerateSd3Accept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Generate an image with Stable Diffusion 3.5 or 3.0

     The Stable Diffusion 3.5 models (large, large turbo, medium) and the 3.0 ones (large, large turbo,
    medium; Stability serves these through Fireworks AI), chosen by `model`. Synchronous: the answer is
    the image, PNG or JPEG only, as bytes (`accept: image/*`, the default) or as base64 in JSON
    (`accept: application/json`).

    Two modes, chosen by `mode`; what the schema cannot express:
    - `text-to-image` (the default): `prompt`, and optionally `aspect_ratio` (`1:1` when absent).
      `image` and `strength` are not accepted in this mode.
    - `image-to-image`: `image` and `strength` are both required. `aspect_ratio` is not accepted (the
      output follows the input's shape). The image is a JPEG, PNG or WEBP with every side at least 64
      pixels; no pixel count is documented, but the whole request may not exceed 10 MiB.

    `negative_prompt` has no effect with `sd3-large-turbo` (the document names only that model, not
    `sd3.5-large-turbo`). `cfg_scale` has no documented default: the model picks one when it is absent.

    Output: about 1 megapixel (1024x1024 at `1:1`); no pixel size is documented for other ratios.

    Price per successful image, by model: 6.5 credits for `sd3.5-large` and `sd3-large`, 4 for
    `sd3.5-large-turbo` and `sd3-large-turbo`, 3.5 for `sd3.5-medium` and `sd3-medium`. Failed and
    moderated requests are not charged.

    Args:
        accept (GenerateSd3Accept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (GenerateSd3Request): Stable Diffusion 3.5 / 3.0, both modes in one flat object. In
            `text-to-image` (the default) send no `image` and no `strength`; `aspect_ratio` is
            optional (`1:1` when absent). In `image-to-image`, `image` and `strength` are required and
            `aspect_ratio` is not accepted. `model` is `sd3.5-large`, `seed` random and
            `output_format` `png` when absent; `negative_prompt` has no effect with `sd3-large-turbo`.

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
    body: GenerateSd3Request,
    accept: GenerateSd3Accept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | EncodedImage | ErrorResponse | File]:
    """Generate an image with Stable Diffusion 3.5 or 3.0

     The Stable Diffusion 3.5 models (large, large turbo, medium) and the 3.0 ones (large, large turbo,
    medium; Stability serves these through Fireworks AI), chosen by `model`. Synchronous: the answer is
    the image, PNG or JPEG only, as bytes (`accept: image/*`, the default) or as base64 in JSON
    (`accept: application/json`).

    Two modes, chosen by `mode`; what the schema cannot express:
    - `text-to-image` (the default): `prompt`, and optionally `aspect_ratio` (`1:1` when absent).
      `image` and `strength` are not accepted in this mode.
    - `image-to-image`: `image` and `strength` are both required. `aspect_ratio` is not accepted (the
      output follows the input's shape). The image is a JPEG, PNG or WEBP with every side at least 64
      pixels; no pixel count is documented, but the whole request may not exceed 10 MiB.

    `negative_prompt` has no effect with `sd3-large-turbo` (the document names only that model, not
    `sd3.5-large-turbo`). `cfg_scale` has no documented default: the model picks one when it is absent.

    Output: about 1 megapixel (1024x1024 at `1:1`); no pixel size is documented for other ratios.

    Price per successful image, by model: 6.5 credits for `sd3.5-large` and `sd3-large`, 4 for
    `sd3.5-large-turbo` and `sd3-large-turbo`, 3.5 for `sd3.5-medium` and `sd3-medium`. Failed and
    moderated requests are not charged.

    Args:
        accept (GenerateSd3Accept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (GenerateSd3Request): Stable Diffusion 3.5 / 3.0, both modes in one flat object. In
            `text-to-image` (the default) send no `image` and no `strength`; `aspect_ratio` is
            optional (`1:1` when absent). In `image-to-image`, `image` and `strength` are required and
            `aspect_ratio` is not accepted. `model` is `sd3.5-large`, `seed` random and
            `output_format` `png` when absent; `negative_prompt` has no effect with `sd3-large-turbo`.

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
    body: GenerateSd3Request,
    accept: GenerateSd3Accept | Unset = "image/*",
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | EncodedImage | ErrorResponse | File | None:
    """Generate an image with Stable Diffusion 3.5 or 3.0

     The Stable Diffusion 3.5 models (large, large turbo, medium) and the 3.0 ones (large, large turbo,
    medium; Stability serves these through Fireworks AI), chosen by `model`. Synchronous: the answer is
    the image, PNG or JPEG only, as bytes (`accept: image/*`, the default) or as base64 in JSON
    (`accept: application/json`).

    Two modes, chosen by `mode`; what the schema cannot express:
    - `text-to-image` (the default): `prompt`, and optionally `aspect_ratio` (`1:1` when absent).
      `image` and `strength` are not accepted in this mode.
    - `image-to-image`: `image` and `strength` are both required. `aspect_ratio` is not accepted (the
      output follows the input's shape). The image is a JPEG, PNG or WEBP with every side at least 64
      pixels; no pixel count is documented, but the whole request may not exceed 10 MiB.

    `negative_prompt` has no effect with `sd3-large-turbo` (the document names only that model, not
    `sd3.5-large-turbo`). `cfg_scale` has no documented default: the model picks one when it is absent.

    Output: about 1 megapixel (1024x1024 at `1:1`); no pixel size is documented for other ratios.

    Price per successful image, by model: 6.5 credits for `sd3.5-large` and `sd3-large`, 4 for
    `sd3.5-large-turbo` and `sd3-large-turbo`, 3.5 for `sd3.5-medium` and `sd3-medium`. Failed and
    moderated requests are not charged.

    Args:
        accept (GenerateSd3Accept | Unset):  Default: 'image/*'.
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (GenerateSd3Request): Stable Diffusion 3.5 / 3.0, both modes in one flat object. In
            `text-to-image` (the default) send no `image` and no `strength`; `aspect_ratio` is
            optional (`1:1` when absent). In `image-to-image`, `image` and `strength` are required and
            `aspect_ratio` is not accepted. `model` is `sd3.5-large`, `seed` random and
            `output_format` `png` when absent; `negative_prompt` has no effect with `sd3-large-turbo`.

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
