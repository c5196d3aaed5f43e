"""A local fake of the Stability AI REST API, for tests, examples and benchmarks.

    from stability.testing import FakeStability, Fault

    with FakeStability() as fake:            # a real HTTP/1.1 keep-alive server on 127.0.0.1
        ...                                  # point a client at fake.base_url with fake.api_key
    fake.transport()                         # or answer in process, with no sockets (sync and async httpx)
    fake.inject("text_to_image", Fault.drop_after_request())
    fake.requests, fake.count("upscale"), fake.charges(), fake.balance(), fake.clock.advance(60)

It validates requests as the service does (every number and enum from `stability._core.limits`), answers real
PNG/JPEG/WEBP images, MP4 videos and GLB models that depend only on the seed and inputs, runs asynchronous jobs on a
controllable clock, debits balances, rate-limits, records every request and injects faults. Every answer it
gives on its own conforms to openapi/stability.yaml. Where the service's documents leave room, it chooses:

- v2alpha and v2beta `accept: */*` means the default (`image/*`, or `video/*` for the video results), as an
  absent header does. Their enums list only that default and `application/json`, but `*/*` is what requests,
  httpx and curl send when told nothing, Stability's own inpaint Python sample sends no `accept` and saves the
  answer's bytes as a .webp, and v2beta's `results/{id}` declares `*/*` its default: refusing it would fail code
  that the service's documents show working. Any other value outside the enum (`image/png`, a list,
  `text/plain`) is a 400. v1alpha's `Accept` stays a strict, required enum, as its spec requires and all its
  samples send; v1 reads ignore `Accept` (their samples send `application/json`, or none), and job starts,
  which answer JSON whatever is asked, ignore it too (the creative upscale's Python sample sends `image/*`).
- A 429 is the documented example word for word (`rate_limit_exceeded`, "You have exceeded the rate limit of
  150 requests within a 10 second period, and have been timed out for 60 seconds.") and, as documented, carries
  no `Retry-After` unless you ask for one (`rate_limit_retry_after=True`, or `Fault.rate_limited("5")`).
- Balances may go negative (no 402 is documented); v1alpha `Organization` headers are accepted as they come.
  One balance per key, read by v1 and v1alpha alike and debited by every charged operation of any version.
- v1alpha init and mask images must have sides that are multiples of 64 and at most 1,048,576 pixels.
- v2beta sizes. The document gives no pixel size per `aspect_ratio`, only megapixels (Ultra and SD3 1, Core
  1.5). The fake picks each side a multiple of 64, the pixel count within 10% of the target, and, among those,
  the ratio nearest the one asked for (then the count nearest the target):

  | aspect_ratio | Ultra, SD3 (1 MP) | Core (1.5 MP) |
  |--------------|-------------------|---------------|
  | 21:9         | 1600x704          | 1920x832      |
  | 16:9         | 1344x768          | 1600x896      |
  | 3:2          | 1280x832          | 1536x1024     |
  | 5:4          | 1152x896          | 1344x1088     |
  | 1:1          | 1024x1024         | 1280x1280     |
  | 4:5          | 896x1152          | 1088x1344     |
  | 2:3          | 832x1280          | 1024x1536     |
  | 9:16         | 768x1344          | 896x1600      |
  | 9:21         | 704x1600          | 832x1920      |

  Image-to-image (Ultra with `image`, SD3 `mode=image-to-image`) follows the same rule with the input's own
  width:height, so the output has the input's shape at about 1 MP; Ultra then ignores `aspect_ratio` (its
  document does not say which wins), SD3 refuses it, as its document says. The fast upscale makes exactly 4x
  each side; the conservative and creative upscales about 4 MP (4 x 1,048,576 pixels) in the input's shape,
  each side rounded to a whole pixel.
- v2beta refusals: 413 `payload_too_large` for a body over 10 MiB on the operations that take a file (not on
  Core, which declares none); 422 only when injected (`Fault.status(422)` answers the documented
  `invalid_language`), since no rule of the document says which prompt is not English; Ultra's `strength`
  without an `image` is accepted and unused (only the reverse is documented as an error). `results/{id}`
  also takes `accept: image/*`, outside its enum, because its own text and samples send it; every v2beta
  operation takes the key bare or as `Bearer <key>`, as Stability's samples send both.
- v2beta edit, control and 3D sizes. The document says "4 megapixels" for three edits, "the same resolution
  as the input" for three others, 1 MP for style, and nothing for outpaint, remove-background, relight or 3D:

  | operation                           | what the fake answers                                                |
  |-------------------------------------|----------------------------------------------------------------------|
  | edit_erase, edit_inpaint            | about 4 MP (4 x 1,048,576 pixels) in the input's shape, each side    |
  | edit_search_and_replace             | rounded to a whole pixel (the conservative upscale's rule)           |
  | edit_search_and_recolor             | the input's size                                                     |
  | control_sketch, control_structure   | the input's size                                                     |
  | control_style                       | 1 MP at `aspect_ratio`: the Ultra column of the table above          |
  | edit_outpaint                       | the input plus the margins, exactly; the input's pixels unchanged    |
  | edit_remove_background              | the input's size with an alpha channel (PNG or WEBP): the subject    |
  |                                     | opaque, the background transparent                                   |
  | edit_replace_background_and_relight | the subject image's size, at `results/{id}` once the job is done     |
  | stable_fast_3d                      | a GLB whose texture is `texture_resolution` pixels square            |

  What the edits "find" is the picture's middle: the middle half for search-and-replace and -recolor (grown by
  `grow_mask`), an upright ellipse for the subject of remove-background and relight. Outputs are the input
  (resized) with a seeded render composited where the edit acts; `image_bytes` pads them as it pads the others.
- v2beta edit, control and 3D rules. Erase and inpaint with no `mask` refuse an image without an alpha channel
  (400 `mask: is required ...`): the document only says the alpha channel is then used, and the SDK refuses
  the same call before sending it. Erase takes no `prompt` (the document's `required` lists one, but erase has
  no such property). Outpaint needs a margin above 0 (400 `left: at least one of ...`); fields no operation
  declares are ignored, so the cURL sample's `bottom` is dropped and only its `left` grows the image. Relight
  needs `background_prompt` or `background_reference`, and `light_source_strength` needs `light_reference` or
  `light_source_direction` (both at once are taken, and combined: the document does not say);
  `keep_original_background` is the string `true` or `false` only (Python's `True` arrives as `True`: a 400);
  `original_background_depth` is checked and otherwise unused. The relight job answers JSON `{id}` whatever
  `accept` says (its samples send `image/*`), runs for `job_duration` on the fake's clock, and is finished by
  `results/{id}` (not by the creative upscale's own result path: 404 there). Remove-background has no seed
  field: its seed header is a random one, as the fast upscale's.
- Stable Fast 3D answers `model/gltf-binary` whatever `accept` says, with no other header (no `x-request-id`,
  seed or finish reason: the document declares only the content type). The GLB (glTF 2.0) holds one mesh: a
  grid in the image's shape, its largest side `foreground_ratio` units long, domed toward the viewer, with
  positions, normals, texture coordinates and one PBR material whose base colour texture is the input image
  resized to `texture_resolution` (a PNG in the BIN chunk; no normal map). `vertex_count` -1 gives a 17x17
  grid (289 vertices), any other count the largest square grid within it (at least 2x2); `remesh` `triangle`
  alternates the cells' diagonals, `none` and `quad` cut every cell alike (glTF stores only triangles). It is
  never moderated (it has no text) and `image_bytes` does not pad it.

Operations go by the client's method names (`OPERATIONS`: `text_to_image`, `masked_image_to_image`, `engines`,
`account`, `balance` (v1), `engines_v1alpha`, `generate_ultra`, `upscale_result`, `results`, ...) in `inject`,
`count`, `charges` and `RecordedRequest.operation`; the fake's routes are read from the SDK's registry of
operations. The former names (`masking`, `list_engines`, `get_account`, `get_balance`, `get_upscale_result`,
`get_image_to_video_result`) are still taken, with a DeprecationWarning; `list_engines`, `get_account` and
`get_balance` name the v1alpha reads (`engines_v1alpha`, ...).

Also: the pytest fixture `stability_fake` (a started fake; no rate limit; jobs finish at once), and the command
line `python -m stability.testing --port 8080 [--host H] [--job-duration S] [--json]`, also reachable as
`run_fake_server(argv)`.

Importing this package needs only the SDK; running a fake needs the `testing` extra (Pillow, python-multipart):
without it `FakeStability()` raises ImportError saying `pip install "stability-client[testing]"`.
"""

from __future__ import annotations

from ._app import RecordedFile, RecordedRequest
from ._cli import run_fake_server
from ._clock import Clock
from ._fake import FakeStability
from ._faults import Fault
from ._routes import OPERATIONS

__all__ = [
    "Clock",
    "FakeStability",
    "Fault",
    "OPERATIONS",
    "RecordedFile",
    "RecordedRequest",
    "run_fake_server",
]
