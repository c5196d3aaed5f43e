from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.content_moderation_response import ContentModerationResponse
from ...models.edit_replace_background_and_relight_request import (
    EditReplaceBackgroundAndRelightRequest,
)
from ...models.error_response import ErrorResponse
from ...models.generation_started import GenerationStarted
from ...types import UNSET, Response, Unset, status_of


def _get_kwargs(
    *,
    body: EditReplaceBackgroundAndRelightRequest,
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
        "url": "/v2beta/stable-image/edit/replace-background-and-relight",
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
    body: EditReplaceBackgroundAndRelightRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | ErrorResponse | GenerationStarted]:
    """Start a background replacement and relight (asynchronous)

     Swaps the background behind a subject for a generated one (from `background_prompt`) or one in the
    style of an image (`background_reference`), and relights the subject to match; or keeps the
    original background and only relights (`keep_original_background`). Asynchronous: the answer is
    200 with the generation `id` (JSON, whatever `Accept` says); poll `/v2beta/results/{id}` with the
    same key, no more often than once every 10 seconds.

    What the schema cannot express:
    - `background_prompt` or `background_reference` is required (either, or both).
    - `light_source_strength` requires `light_reference` or `light_source_direction`. Stability's text
      names these as alternatives ("or") without saying whether both together are refused.
    - `keep_original_background` is the string `true` or `false`, not a boolean.

    Input: `subject_image` (the field is not called `image` here) is a JPEG, PNG or WEBP with every side
    at least 64 pixels, 4,096 to 9,437,184 pixels in all, and an aspect ratio (width / height) from
    1:2.5 to 2.5:1. `background_reference` and `light_reference` are JPEG, PNG or WEBP images with every
    side at least 64 pixels and 4,096 to 9,437,184 pixels in all (no aspect-ratio rule is stated).

    Output: Stability's document states no size.

    Price: 8 credits per successful generation. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditReplaceBackgroundAndRelightRequest): Replace background and relight. What the
            schema cannot express: `background_prompt` or `background_reference` is required (or
            both); `light_source_strength` requires `light_reference` or `light_source_direction`.
            `keep_original_background` is `false`, `seed` random and `output_format` `png` when
            absent. Numbers' defaults are in their descriptions, so that a client generated from this
            document sends only what its caller sets (an unasked `light_source_strength` would even
            break the rule above).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | ErrorResponse | GenerationStarted]
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
    body: EditReplaceBackgroundAndRelightRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | ErrorResponse | GenerationStarted | None:
    """Start a background replacement and relight (asynchronous)

     Swaps the background behind a subject for a generated one (from `background_prompt`) or one in the
    style of an image (`background_reference`), and relights the subject to match; or keeps the
    original background and only relights (`keep_original_background`). Asynchronous: the answer is
    200 with the generation `id` (JSON, whatever `Accept` says); poll `/v2beta/results/{id}` with the
    same key, no more often than once every 10 seconds.

    What the schema cannot express:
    - `background_prompt` or `background_reference` is required (either, or both).
    - `light_source_strength` requires `light_reference` or `light_source_direction`. Stability's text
      names these as alternatives ("or") without saying whether both together are refused.
    - `keep_original_background` is the string `true` or `false`, not a boolean.

    Input: `subject_image` (the field is not called `image` here) is a JPEG, PNG or WEBP with every side
    at least 64 pixels, 4,096 to 9,437,184 pixels in all, and an aspect ratio (width / height) from
    1:2.5 to 2.5:1. `background_reference` and `light_reference` are JPEG, PNG or WEBP images with every
    side at least 64 pixels and 4,096 to 9,437,184 pixels in all (no aspect-ratio rule is stated).

    Output: Stability's document states no size.

    Price: 8 credits per successful generation. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditReplaceBackgroundAndRelightRequest): Replace background and relight. What the
            schema cannot express: `background_prompt` or `background_reference` is required (or
            both); `light_source_strength` requires `light_reference` or `light_source_direction`.
            `keep_original_background` is `false`, `seed` random and `output_format` `png` when
            absent. Numbers' defaults are in their descriptions, so that a client generated from this
            document sends only what its caller sets (an unasked `light_source_strength` would even
            break the rule above).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContentModerationResponse | ErrorResponse | GenerationStarted
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
    body: EditReplaceBackgroundAndRelightRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> Response[ContentModerationResponse | ErrorResponse | GenerationStarted]:
    """Start a background replacement and relight (asynchronous)

     Swaps the background behind a subject for a generated one (from `background_prompt`) or one in the
    style of an image (`background_reference`), and relights the subject to match; or keeps the
    original background and only relights (`keep_original_background`). Asynchronous: the answer is
    200 with the generation `id` (JSON, whatever `Accept` says); poll `/v2beta/results/{id}` with the
    same key, no more often than once every 10 seconds.

    What the schema cannot express:
    - `background_prompt` or `background_reference` is required (either, or both).
    - `light_source_strength` requires `light_reference` or `light_source_direction`. Stability's text
      names these as alternatives ("or") without saying whether both together are refused.
    - `keep_original_background` is the string `true` or `false`, not a boolean.

    Input: `subject_image` (the field is not called `image` here) is a JPEG, PNG or WEBP with every side
    at least 64 pixels, 4,096 to 9,437,184 pixels in all, and an aspect ratio (width / height) from
    1:2.5 to 2.5:1. `background_reference` and `light_reference` are JPEG, PNG or WEBP images with every
    side at least 64 pixels and 4,096 to 9,437,184 pixels in all (no aspect-ratio rule is stated).

    Output: Stability's document states no size.

    Price: 8 credits per successful generation. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditReplaceBackgroundAndRelightRequest): Replace background and relight. What the
            schema cannot express: `background_prompt` or `background_reference` is required (or
            both); `light_source_strength` requires `light_reference` or `light_source_direction`.
            `keep_original_background` is `false`, `seed` random and `output_format` `png` when
            absent. Numbers' defaults are in their descriptions, so that a client generated from this
            document sends only what its caller sets (an unasked `light_source_strength` would even
            break the rule above).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContentModerationResponse | ErrorResponse | GenerationStarted]
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
    body: EditReplaceBackgroundAndRelightRequest,
    stability_client_id: str | Unset = UNSET,
    stability_client_user_id: str | Unset = UNSET,
    stability_client_version: str | Unset = UNSET,
) -> ContentModerationResponse | ErrorResponse | GenerationStarted | None:
    """Start a background replacement and relight (asynchronous)

     Swaps the background behind a subject for a generated one (from `background_prompt`) or one in the
    style of an image (`background_reference`), and relights the subject to match; or keeps the
    original background and only relights (`keep_original_background`). Asynchronous: the answer is
    200 with the generation `id` (JSON, whatever `Accept` says); poll `/v2beta/results/{id}` with the
    same key, no more often than once every 10 seconds.

    What the schema cannot express:
    - `background_prompt` or `background_reference` is required (either, or both).
    - `light_source_strength` requires `light_reference` or `light_source_direction`. Stability's text
      names these as alternatives ("or") without saying whether both together are refused.
    - `keep_original_background` is the string `true` or `false`, not a boolean.

    Input: `subject_image` (the field is not called `image` here) is a JPEG, PNG or WEBP with every side
    at least 64 pixels, 4,096 to 9,437,184 pixels in all, and an aspect ratio (width / height) from
    1:2.5 to 2.5:1. `background_reference` and `light_reference` are JPEG, PNG or WEBP images with every
    side at least 64 pixels and 4,096 to 9,437,184 pixels in all (no aspect-ratio rule is stated).

    Output: Stability's document states no size.

    Price: 8 credits per successful generation. Failed and moderated requests are not charged.

    Args:
        stability_client_id (str | Unset):
        stability_client_user_id (str | Unset):
        stability_client_version (str | Unset):
        body (EditReplaceBackgroundAndRelightRequest): Replace background and relight. What the
            schema cannot express: `background_prompt` or `background_reference` is required (or
            both); `light_source_strength` requires `light_reference` or `light_source_direction`.
            `keep_original_background` is `false`, `seed` random and `output_format` `png` when
            absent. Numbers' defaults are in their descriptions, so that a client generated from this
            document sends only what its caller sets (an unasked `light_source_strength` would even
            break the rule above).

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
            stability_client_id=stability_client_id,
            stability_client_user_id=stability_client_user_id,
            stability_client_version=stability_client_version,
        )
    ).parsed
