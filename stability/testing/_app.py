"""The fake's core: one transport-neutral handler shared by the in-process transport and the socket server.

Theory of operation: `App.handle(incoming)` routes the request to an operation, takes the first injected fault
queued for it, reads and parses the whole body (so even refused requests are recorded with their fields), then
runs the operation: authenticate, rate-limit, validate, generate, charge. A fault either replaces that
processing (status answers, HTML pages, drops before the request) or alters its answer afterwards (delays,
drops after the request, truncated bodies, wrong content types). The answer says how the transport should
deliver it. All shared state sits behind one lock; pictures are generated outside it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .._core import limits as L
from .._core.validation import Text
from .._operations.registry import REGISTRY, Entry
from . import _media as media
from ._clock import Clock
from ._errors import (
    INVALID_LANGUAGE_MESSAGE,
    MODERATION_MESSAGE,
    NOT_FOUND_MESSAGE,
    PAYLOAD_TOO_LARGE_MESSAGE,
    RATE_LIMIT_NAME,
    SERVER_ERROR_MESSAGE,
    V1_SERVER_ERROR_MESSAGE,
    ErrorReply,
    Version,
    default_status_name,
    error_body,
    error_reply,
    rate_limit_message,
)
from ._faults import REPLACING_KINDS, RESULT_OPERATIONS, Fault, FaultQueue
from ._forms import BodyError, Part, drain, media_type_of, read_json, read_multipart
from ._http import Headers, Incoming, Reply
from ._routes import Route, match_route
from ._rules import V1Options, V2Form, field_rules, given, v1_image, v1_options, v1_samples

log = logging.getLogger("stability.testing")

ENGINES: tuple[dict[str, str], ...] = tuple(
    {"id": engine_id, "name": name, "description": description, "type": "PICTURE"}
    for engine_id, name, description in (
        ("stable-diffusion-v1-5", "Stable Diffusion v1.5", "Stability-AI Stable Diffusion v1.5"),
        ("stable-diffusion-512-v2-0", "Stable Diffusion v2.0", "Stability-AI Stable Diffusion v2.0"),
        ("stable-diffusion-512-v2-1", "Stable Diffusion v2.1", "Stability-AI Stable Diffusion v2.1"),
        ("stable-diffusion-768-v2-1", "Stable Diffusion v2.1-768", "Stability-AI Stable Diffusion 768 v2.1"),
        ("stable-inpainting-v1-0", "Stable Inpainting v1.0", "Stability-AI Stable Inpainting v1.0"),
        ("stable-inpainting-512-v2-0", "Stable Inpainting v2.0", "Stability-AI Stable Inpainting v2.0"),
    )
)
ENGINE_IDS = frozenset(engine["id"] for engine in ENGINES)
DROP_STATUS = 0  # the status recorded for a request whose connection was dropped unanswered

HTML_PAGE = (
    "<html><head><title>{status} Bad Gateway</title></head><body><center><h1>{status} Bad Gateway</h1>"
    "</center><hr><center>cloudflare</center></body></html>"
)


@dataclass(frozen=True, slots=True)
class RecordedFile:
    """A file part of a recorded request (its bytes are not kept)."""

    filename: str | None
    content_type: str | None
    size: int


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake received, as the log keeps it (without the Authorization header).

    `fields` holds the form fields as text, the JSON body's top-level fields as parsed, and the fields of the
    v1alpha JSON `options` part (merged in; `options` itself stays as sent);
    `status` is what was answered, 0 when the connection was dropped unanswered; `fault` names the injected
    fault that acted on the request, if any; `operation` is the client method's name (``OPERATIONS``), None
    for a path the fake does not serve.
    """

    method: str
    path: str
    operation: str | None
    headers: Headers
    fields: dict[str, Any]
    files: dict[str, RecordedFile]
    status: int
    fault: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """How a fake behaves; see `FakeStability` for each knob."""

    api_keys: tuple[str, ...]
    job_duration: float = 0.0
    retention: float = L.RESULT_RETENTION_SECONDS
    rate_limit: tuple[int, float, float] | None = None
    rate_limit_retry_after: bool = False
    moderation_word: str | None = "forbidden"
    initial_balance: float = 1000.0
    video_bytes: int | None = None
    image_bytes: int | None = None
    fast: bool = False


@dataclass(slots=True)
class Call:
    """One routed request, its parsed body and what the app learns while processing it."""

    route: Route
    params: dict[str, str]
    headers: Headers
    json: Any = None
    parts: dict[str, Part] = field(default_factory=dict)
    body_error: BodyError | None = None
    fault: Fault | None = None
    key: str = ""
    body_size: int = 0
    """The bytes of the body as received (parsed or not)."""

    @property
    def operation(self) -> str:
        return self.route.operation

    @property
    def entry(self) -> Entry:
        return REGISTRY[self.route.operation]

    @property
    def version(self) -> Version:
        return self.route.version


Output = tuple[str, media.Body]
"""A finished job's media type and bytes."""


@dataclass(slots=True)
class Job:
    """An asynchronous generation (image-to-video, upscale or relight) and what its result needs."""

    id: str
    key: str
    operation: str
    """The operation that started it."""
    done_at: float
    seed: int
    width: int
    height: int
    salt: str
    output: Callable[[Job], Output]
    """Makes the result, when it is first fetched (the operation that started the job says how)."""
    output_format: str = "png"
    creativity: float = 0.0
    image: bytes = b""
    upscaled: tuple[int, int] | None = None
    """An upscale's output size, when the operation that started it fixes one."""
    result: bytes | None = None


class RateLimiter:
    """Per key: at most `requests` in any `window` seconds; past that, every request is refused for `lockout`."""

    def __init__(self, requests: int, window: float, lockout: float) -> None:
        self.requests, self.window, self.lockout = requests, window, lockout
        self._seen: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def wait(self, key: str, now: float) -> float:
        """0 when the request may go ahead (and counts it), else the seconds until the key is let in again."""
        locked_until = self._locked_until.get(key, 0.0)
        if now < locked_until:
            return locked_until - now
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.requests:
            seen.clear()
            self._locked_until[key] = now + self.lockout
            return self.lockout
        seen.append(now)
        return 0.0


class App:
    """The fake Stability service; thread-safe."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        if not settings.api_keys:
            raise ValueError("the fake needs at least one API key")
        self.settings = settings
        self.clock = clock
        self._lock = threading.RLock()
        self._faults = FaultQueue()
        self._requests: list[RecordedRequest] = []
        self._charges: Counter[str] = Counter()
        self._balances: dict[str, float] = {}
        self._jobs: dict[str, Job] = {}
        self._generations = 0
        self._cache: dict[tuple[object, ...], bytes] = {}
        self._limiter: RateLimiter | None = None
        self.reset()

    # ------------------------------------------------------------------------------------------ observability

    def reset(self) -> None:
        """Forget requests, charges, faults, jobs and rate-limit windows; restore every balance."""
        with self._lock:
            self._faults.clear()
            self._requests.clear()
            self._charges.clear()
            self._jobs.clear()
            self._generations = 0
            self._balances = dict.fromkeys(self.settings.api_keys, float(self.settings.initial_balance))
            limit = self.settings.rate_limit
            self._limiter = RateLimiter(*limit) if limit is not None else None

    def inject(self, operation: str | None, fault: Fault, times: int) -> None:
        """Answer the next ``times`` requests to ``operation`` (None: any) with ``fault``."""
        with self._lock:
            self._faults.add(operation, fault, times)

    def clear_faults(self) -> None:
        """Drop every fault not yet served."""
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> int:
        """How many injected faults are still to be served."""
        with self._lock:
            return self._faults.pending()

    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def count(self, operation: str | None) -> int:
        """How many requests ``operation`` (None: any) received."""
        with self._lock:
            return sum(1 for r in self._requests if operation is None or r.operation == operation)

    def charges(self, operation: str | None) -> int:
        """How many charged answers ``operation`` (None: any) gave."""
        with self._lock:
            return self._charges.total() if operation is None else self._charges[operation]

    def balance(self, key: str) -> float:
        """The credits left on the API key ``key``."""
        with self._lock:
            return self._balances[key]

    # ------------------------------------------------------------------------------------------ handling

    def handle(self, incoming: Incoming) -> Reply:
        """Answer one request (see the module docstring for the order of steps)."""
        path = incoming.path.split("?", 1)[0]
        found = match_route(incoming.method, path)
        if isinstance(found, Reply):
            drain(incoming.body)
            if path.startswith(("/v2alpha/", "/v2beta/")):
                found.headers.append(("x-request-id", secrets.token_hex(16)))
            self._record(incoming, path, None, {}, {}, found.status, None)
            return found
        route, params = found
        with self._lock:
            fault = self._faults.take(route.operation)
        if fault is not None and fault.kind == "drop_before_request":
            return Reply(DROP_STATUS, action="drop_before_request")
        call = Call(route, params, incoming.headers, fault=fault)
        self._read_body(call, incoming.body)
        reply = self._reply(call)
        status = DROP_STATUS if reply.action == "drop_after_request" else reply.status
        fields, files = _observed(call)
        self._record(incoming, path, route.operation, fields, files, status, fault.kind if fault else None)
        return reply

    def _reply(self, call: Call) -> Reply:
        fault = call.fault
        if fault is not None and fault.kind in REPLACING_KINDS:
            reply = self._fault_reply(call.version, fault)
        else:
            reply = self._process(call)
            if fault is not None:
                reply = _alter(reply, fault)
        # A 3D model's only documented header is its content type (R-GLB); every other v2 answer has an id.
        if call.version in ("v2alpha", "v2beta") and not reply.content_type.startswith("model/"):
            reply.headers.append(("x-request-id", secrets.token_hex(16)))
        return reply

    def _read_body(self, call: Call, incoming: Iterable[bytes]) -> None:
        def counted() -> Iterable[bytes]:
            for chunk in incoming:
                call.body_size += len(chunk)
                yield chunk

        body = counted()
        try:
            if call.route.body == "json":
                if media_type_of(call.headers.get("content-type", "")) != "application/json":
                    drain(body)
                    raise BodyError("Content-Type: must be application/json")
                call.json = read_json(body)
            elif call.route.body == "multipart":
                call.parts = read_multipart(call.headers.get("content-type", ""), body)
            else:
                drain(body)
        except BodyError as exc:
            drain(body)
            call.body_error = exc

    def _process(self, call: Call) -> Reply:
        try:
            self._authenticate(call)
            self._rate_limit(call)
            return self._operations[call.operation](self, call)
        except ErrorReply as error:
            return error_reply(call.version, error)
        except Exception:
            log.exception("the fake failed on %s", call.operation)
            name = default_status_name(500, call.version)
            return error_reply(call.version, ErrorReply(500, name, "the fake server failed"))

    def _record(
        self,
        incoming: Incoming,
        path: str,
        operation: str | None,
        fields: dict[str, Any],
        files: dict[str, RecordedFile],
        status: int,
        fault: str | None,
    ) -> None:
        headers = incoming.headers.without("authorization")
        recorded = RecordedRequest(incoming.method, path, operation, headers, fields, files, status, fault)
        with self._lock:
            self._requests.append(recorded)

    # ------------------------------------------------------------------------------------------ faults

    def _fault_reply(self, version: Version, fault: Fault) -> Reply:
        status, headers = fault.status_code, list(fault.headers)
        if fault.kind in ("html_error", "malformed_json", "empty_body"):
            body = {
                "html_error": HTML_PAGE.format(status=status).encode(),
                "malformed_json": b'{"id": "7f3a", "name": "internal_error", "errors": ["An unexpected',
                "empty_body": b"",
            }[fault.kind]
            return Reply(status, [("Content-Type", fault.content_type or "text/plain"), *headers], body)
        name, message = _fault_error(version, status)
        body, content_type = error_body(version, status, name, [message])
        if fault.body is not None:
            body = fault.body
        return Reply(status, [("Content-Type", fault.content_type or content_type), *headers], body)

    # ------------------------------------------------------------------------------------------ shared steps

    def _authenticate(self, call: Call) -> None:
        value = call.headers.get("authorization", "").strip()
        if value[:7].lower() == "bearer ":
            value = value[7:].strip()
        if not value:
            raise ErrorReply(401, "unauthorized", "missing authorization header")
        if value not in self.settings.api_keys:
            raise ErrorReply(401, "unauthorized", "invalid API key")
        call.key = value

    def _rate_limit(self, call: Call) -> None:
        with self._lock:
            if self._limiter is None:
                return
            wait = self._limiter.wait(call.key, self.clock.now())
            limiter = self._limiter
        if wait > 0:
            message = rate_limit_message(limiter.requests, limiter.window, limiter.lockout)
            # The service documents no Retry-After: a client must know the lockout. Opt in to test the header.
            headers = [("Retry-After", str(max(1, int(wait + 0.999))))] if self.settings.rate_limit_retry_after else []
            raise ErrorReply(429, RATE_LIMIT_NAME, message, headers=headers)

    def _charge(self, call: Call, credits: float) -> None:
        with self._lock:
            self._balances[call.key] -= credits
            self._charges[call.operation] += 1

    def _seed(self, requested: float, high: float, salt: str) -> int:
        """The requested seed, or for 0 a seed that varies per generation yet repeats after reset()."""
        if requested:
            return int(requested)
        with self._lock:
            self._generations += 1
            count = self._generations
        digest = hashlib.sha256(f"{salt}:{count}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % int(high) + 1

    def _moderated(self, texts: Iterable[str | None]) -> bool:
        word = (self.settings.moderation_word or "").lower()
        return bool(word) and any(word in text.lower() for text in texts if text)

    def _padded(self, paint: Callable[..., bytes], *args: object) -> bytes:
        """`paint(*args)`, a PNG padded to `image_bytes` when that is set."""
        return media.pad_png(paint(*args), self.settings.image_bytes)

    def _cached(self, key: tuple[object, ...], make: Callable[[], bytes]) -> bytes:
        if not self.settings.fast:
            return make()
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = make()
            with self._lock:
                self._cache[key] = cached
        return cached

    # ------------------------------------------------------------------------------------------ v1alpha

    def _v1_accept(self, call: Call) -> str:
        accept = call.headers.get("accept")
        if accept is None:
            raise ErrorReply(400, "missing_field", '"Accept" is missing from header')
        accept = accept.strip().lower()
        if accept not in ("image/png", "application/json"):
            raise ErrorReply(
                400,
                "invalid_enum_value",
                f'header.Accept must be one of "image/png", "application/json" but got value {accept!r}',
            )
        return accept

    def _v1_body(self, call: Call) -> None:
        if call.body_error is not None:
            raise ErrorReply(400, "decode_payload", str(call.body_error))

    def _v1_engine(self, call: Call) -> None:
        engine = call.params["engine_id"]
        if engine not in ENGINE_IDS:
            raise ErrorReply(404, "not_found", f"engine {engine!r} not found")

    def _v1_options_part(self, call: Call) -> V1Options:
        part = call.parts.get("options")
        if part is None:
            raise ErrorReply(400, "missing_field", '"options" is missing from body')
        try:
            payload = json.loads(part.data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ErrorReply(400, "decode_payload", f"options: not valid JSON ({exc})") from exc
        return v1_options(payload, "options", call.operation)

    def _v1_generate(
        self,
        call: Call,
        options: V1Options,
        accept: str,
        size: tuple[int, int],
        paint: Callable[[int, bool], bytes],
    ) -> Reply:
        filtered = self._moderated(text for text, _ in options.prompts)
        salt = "|".join(text for text, _ in options.prompts)
        first = self._seed(options.seed, L.V1_SEED.high, salt)
        seeds = [(first - 1 + i) % int(L.V1_SEED.high) + 1 for i in range(options.samples)]
        key = (call.operation, size, "png", filtered)
        images = [self._cached(key, functools.partial(self._padded, paint, seed, filtered)) for seed in seeds]
        self._charge(call, L.V1_CREDITS_PER_IMAGE * len(images))  # v1alpha documents a price per image only
        reason = "CONTENT_FILTERED" if filtered else "SUCCESS"
        if accept == "image/png":
            headers = [("Content-Type", "image/png"), ("Finish-Reason", reason), ("Seed", str(seeds[0]))]
            return Reply(200, headers, images[0])
        artifacts = [
            {"base64": _b64(image), "seed": seed, "finishReason": reason}
            for image, seed in zip(images, seeds, strict=True)
        ]
        return _json(200, {"artifacts": artifacts})

    def _text_to_image(self, call: Call) -> Reply:
        accept = self._v1_accept(call)
        self._v1_body(call)
        options = v1_options(call.json, "body", call.operation)
        v1_samples(options, accept)
        self._v1_engine(call)
        size = (options.width, options.height)
        salt = "|".join(text for text, _ in options.prompts)

        def paint(seed: int, filtered: bool) -> bytes:
            return media.encode(media.render(*size, seed=seed, salt=salt, filtered=filtered), "png")

        return self._v1_generate(call, options, accept, size, paint)

    def _image_to_image(self, call: Call) -> Reply:
        accept = self._v1_accept(call)
        self._v1_body(call)
        options = self._v1_options_part(call)
        v1_samples(options, accept)
        found, data = _required(v1_image(call.parts, "init_image"))
        self._v1_engine(call)
        size = (found.width, found.height)
        salt = "|".join(text for text, _ in options.prompts)

        def paint(seed: int, filtered: bool) -> bytes:
            generated = media.render(*size, seed=seed, salt=salt, filtered=filtered)
            init = _decode(data, "init_image", "invalid_mime_type")
            return media.encode(media.blend(init, generated, options.step_schedule_start), "png")

        return self._v1_generate(call, options, accept, size, paint)

    def _masked_image_to_image(self, call: Call) -> Reply:
        accept = self._v1_accept(call)
        self._v1_body(call)
        options = self._v1_options_part(call)
        v1_samples(options, accept)
        found, data = _required(v1_image(call.parts, "init_image"))
        source = str(options.fields["mask_source"])  # the API requires it: v1_options refused a request without
        mask = v1_image(call.parts, "mask_image", required=False) if source != "INIT_IMAGE_ALPHA" else None
        if source != "INIT_IMAGE_ALPHA" and mask is None:
            raise ErrorReply(400, "invalid_mask_image", f"mask_image is required when mask_source is {source}")
        if mask is not None and (mask[0].width, mask[0].height) != (found.width, found.height):
            raise ErrorReply(400, "invalid_image_dimensions", "mask_image must have the same size as init_image")
        self._v1_engine(call)
        size = (found.width, found.height)
        salt = "|".join(text for text, _ in options.prompts)

        def paint(seed: int, filtered: bool) -> bytes:
            init = _decode(data, "init_image", "invalid_mime_type")
            mask_image = _decode(mask[1], "mask_image", "invalid_mask_image") if mask else None
            generated = media.render(*size, seed=seed, salt=salt, filtered=filtered)
            repaint = media.repaint_mask(init, mask_image, source)
            return media.encode(media.composite(init, generated, repaint), "png")

        return self._v1_generate(call, options, accept, size, paint)

    def _engines_v1alpha(self, call: Call) -> Reply:
        return _json(200, {"engines": [dict(engine) for engine in ENGINES]})

    def _engines(self, call: Call) -> Reply:
        return _json(200, [dict(engine) for engine in ENGINES])  # v1: a bare array

    def _account(self, call: Call) -> Reply:
        user = hashlib.sha256(call.key.encode()).hexdigest()[:12]
        organization = {"id": f"org-{user}", "name": "Fake Organization", "role": "OWNER", "is_default": True}
        body = {"id": f"user-{user}", "email": f"user-{user}@example.com", "organizations": [organization]}
        return _json(200, body)

    def _balance(self, call: Call) -> Reply:
        return _json(200, {"credits": self.balance(call.key)})

    # ------------------------------------------------------------------------------------------ v2alpha

    def _v2_accept(self, call: Call) -> str:
        """`accept`: absent or `*/*` means the operation's media (bytes); anything else outside the enum is a 400.

        `*/*` is outside the v2alpha enum, yet it is what HTTP clients send when told nothing and what
        Stability's own inpaint Python sample sends (it then saves the bytes): see the package docstring.
        `results/{id}`'s enum is `*/*` and JSON, yet its text and samples send `image/*`: taken too.
        """
        default = call.entry.accept[0]  # `image/*`, `video/*` or (results) `*/*`: what the enum defaults to
        media = f"{call.entry.media}/*" if call.entry.media else default
        accept = call.headers.get("accept", "").strip().lower()
        if accept in ("", "*/*", default, media):
            return media
        if accept != "application/json":
            raise ErrorReply(400, "bad_request", f"accept: must be {default} or application/json")
        return accept

    def _v2_form(self, call: Call) -> V2Form:
        """The request's form. v2beta refuses a body over 10 MiB where it documents it: the operations that
        take a file (core takes none and declares no 413)."""
        if call.version == "v2beta" and call.entry.files and call.body_size > L.MAX_REQUEST_BYTES:
            raise ErrorReply(413, "payload_too_large", f"body: {PAYLOAD_TOO_LARGE_MESSAGE}")
        if call.body_error is not None:
            raise ErrorReply(400, "bad_request", str(call.body_error))
        return V2Form(call.parts)

    def _v2_moderate(self, call: Call, values: Mapping[str, Any]) -> None:
        """A 403 when any text field (prompt, negative or search prompt) holds the moderated word."""
        texts = (values.get(name) for name, rule, _ in field_rules(call.operation) if isinstance(rule, Text))
        if self._moderated(texts):
            raise ErrorReply(403, "content_moderation", MODERATION_MESSAGE)

    def _image_to_video(self, call: Call) -> Reply:
        form = self._v2_form(call)
        values = form.read(call.operation, image={"sizes": L.VIDEO_SIZES})
        form.raise_if_invalid()
        found, data = _required(values["image"])
        salt = f"{hashlib.sha256(data).hexdigest()}:{given(values['motion_bucket_id'], 127):g}"
        job = self._start_job(call, given(values["seed"], 0), found.width, found.height, salt, self._video_output)
        job.image = data  # the video's frames show it
        return self._started(call, job)

    def _upscale(self, call: Call, pixels: L.Bounds = L.UPSCALE_PIXELS, output: int | None = None) -> Reply:
        """Start an upscale job: v2alpha's (4x, or 2x past 4 megapixels), or one of about `output` pixels."""
        form = self._v2_form(call)
        values = form.read(call.operation, image={"pixels": pixels})
        form.raise_if_invalid()
        self._v2_moderate(call, values)
        found, data = _required(values["image"])
        prompt = values["prompt"] or ""
        job = self._start_job(call, given(values["seed"], 0), found.width, found.height, prompt, self._upscale_output)
        job.output_format = values["output_format"] or "png"
        job.creativity, job.image = given(values["creativity"], 0.3), data
        if output is not None:
            job.upscaled = media.scaled_size(found.width, found.height, output)
        return self._started(call, job)

    def _start_job(
        self, call: Call, seed: float, width: int, height: int, salt: str, output: Callable[[Job], Output]
    ) -> Job:
        now = self.clock.now()
        job = Job(
            id=secrets.token_hex(L.GENERATION_ID_LENGTH // 2),
            key=call.key,
            operation=call.operation,
            done_at=now + self.settings.job_duration,
            seed=self._seed(seed, L.V2_SEED.high, salt),
            width=width,
            height=height,
            salt=salt,
            output=output,
        )
        with self._lock:
            self._jobs[job.id] = job
        return job

    def _started(self, call: Call, job: Job) -> Reply:
        """The id of a job just started, charged at the operation's price."""
        self._charge(call, _price(call.entry))
        return _json(200, {"id": job.id})

    def _inpaint(self, call: Call) -> Reply:
        accept = self._v2_accept(call)
        form = self._v2_form(call)
        # The API's rules depend on the mode: the search prompt or the mask, read in this order.
        mode = form.one(call.operation, "mode")
        image = form.one(call.operation, "image", pixels=L.INPAINT_PIXELS)
        prompt = form.one(call.operation, "prompt")
        negative = form.one(call.operation, "negative_prompt")
        search = form.one(call.operation, "search_prompt", required=mode == "search")
        mask = form.one(call.operation, "mask") if mode == "mask" else None
        if mode == "mask" and mask is None and image is not None and not image[0].has_alpha:
            form.errors.append("mask: is required when image has no alpha channel")
        seed = given(form.one(call.operation, "seed"), 0)
        output_format = form.one(call.operation, "output_format") or "png"
        form.raise_if_invalid()
        self._v2_moderate(call, {"prompt": prompt, "negative_prompt": negative, "search_prompt": search})
        found, data = _required(image)
        used_seed = self._seed(seed, L.V2_SEED.high, prompt or "")

        def paint() -> bytes:
            init = _decode(data, "image", "bad_request")
            if mode == "mask":
                mask_image = _decode(mask[1], "mask", "bad_request") if mask else None
                repaint = media.repaint_mask(init, mask_image, "MASK_IMAGE_WHITE")
            else:
                repaint = media.center_mask(init.size)
            generated = media.render(*init.size, seed=used_seed, salt=prompt or "")
            return media.encode(media.composite(init, generated, repaint), output_format)

        output = self._cached(
            (call.operation, found.width, found.height, output_format), functools.partial(self._padded, paint)
        )
        self._charge(call, _price(call.entry, mode))
        return _v2_result(accept, "image", media.media_type(output_format), output, used_seed)

    def _job_result(self, call: Call) -> Reply:
        """Any job's result: 202 until it is done, then its output (the job says how to make it)."""
        generation_id = call.params["id"]
        if len(generation_id) != L.GENERATION_ID_LENGTH:
            raise ErrorReply(400, "bad_request", f"id: must be {L.GENERATION_ID_LENGTH} characters long")
        accept = self._v2_accept(call)
        job = self._find_job(call, generation_id)
        now = self.clock.now()
        held = call.fault is not None and call.fault.kind == "never_finish"
        if held or now < job.done_at:
            return _json(202, {"id": job.id, "status": "in-progress"})
        media_type, output = job.output(job)
        return _v2_result(accept, call.entry.media or "image", media_type, output, job.seed)

    def _find_job(self, call: Call, generation_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(generation_id)
            if job is not None and self.clock.now() > job.done_at + self.settings.retention:
                del self._jobs[generation_id]
                job = None
            if job is None or job.key != call.key or job.operation not in call.entry.finishes:
                raise ErrorReply(404, "generation_not_found", NOT_FOUND_MESSAGE)
            return job

    def _video_output(self, job: Job) -> Output:
        if self.settings.video_bytes is not None:
            return "video/mp4", self._video(job)  # padded and streamed: never held whole
        return "video/mp4", self._cached(("video", job.width, job.height), lambda: _as_bytes(self._video(job)))

    def _video(self, job: Job) -> media.Body:
        image = _decode(job.image, "image", "bad_request")
        return media.mp4(
            job.width, job.height, seed=job.seed, salt=job.salt, size=self.settings.video_bytes, image=image
        )

    def _upscale_output(self, job: Job) -> Output:
        if job.result is None:
            job.result = self._upscaled(job)
        return media.media_type(job.output_format), job.result

    def _upscaled(self, job: Job) -> bytes:
        size = job.upscaled or media.upscale_size(job.width, job.height)

        def paint() -> bytes:
            image = _decode(job.image, "image", "bad_request")
            generated = media.render(*size, seed=job.seed, salt=job.salt)
            return media.encode(media.upscale(image, size, generated, job.creativity), job.output_format)

        return self._cached(("upscale", size, job.output_format), functools.partial(self._padded, paint))

    # ------------------------------------------------------------------------------------------ v2beta

    def _generated(
        self, call: Call, accept: str, values: Mapping[str, Any], megapixels: float, price: str = ""
    ) -> Reply:
        """A v2beta generation: text-to-image at `aspect_ratio`'s size, or image-to-image in the image's shape
        (`aspect_ratio` then unused), both at about `megapixels`; charged at the price of `price` (sd3's model)."""
        image: tuple[media.Probe, bytes] | None = values.get("image")
        ratio = image[0].width / image[0].height if image else _ratio(values.get("aspect_ratio") or "1:1")
        size = media.generation_size(megapixels, ratio)
        output_format = values["output_format"] or "png"
        salt = "|".join(str(values.get(name) or "") for name in ("prompt", "style_preset", "model"))
        seed = self._seed(given(values["seed"], 0), L.V2_SEED.high, salt)
        strength = given(values.get("strength"), 1.0)

        def paint() -> bytes:
            generated = media.render(*size, seed=seed, salt=salt)
            if image is not None:
                generated = media.blend(
                    media.resized(_decode(image[1], "image", "bad_request"), size), generated, strength
                )
            return media.encode(generated, output_format)

        key = (call.operation, size, output_format, image is not None)
        output = self._cached(key, functools.partial(self._padded, paint))
        self._charge(call, _price(call.entry, price))
        return _v2_result(accept, "image", media.media_type(output_format), output, seed)

    def _generate_ultra(self, call: Call) -> Reply:
        accept, form = self._v2_accept(call), self._v2_form(call)
        pixels = L.Bounds(L.ULTRA_IMAGE_MIN_PIXELS, float("inf"))
        values = form.read(call.operation, image={"side": L.ULTRA_IMAGE_SIDE, "pixels": pixels})
        if form.given("image") and not form.given("strength"):
            form.errors.append("strength: is required when image is given")
        form.raise_if_invalid()
        self._v2_moderate(call, values)
        return self._generated(call, accept, values, L.MEGAPIXELS["ultra"])

    def _generate_core(self, call: Call) -> Reply:
        accept, form = self._v2_accept(call), self._v2_form(call)
        values = form.read(call.operation)
        form.raise_if_invalid()
        self._v2_moderate(call, values)
        return self._generated(call, accept, values, L.MEGAPIXELS["core"])

    def _generate_sd3(self, call: Call) -> Reply:
        accept, form = self._v2_accept(call), self._v2_form(call)
        values = form.read(call.operation, image={"side": L.Bounds(L.V2_MIN_SIDE, float("inf"))})
        # Each enum's first value is its documented default; a mode refused above checks no mode rule.
        mode = values["mode"] or (None if form.given("mode") else L.SD3_MODES[0])
        for name in ("image", "strength"):
            if mode == "image-to-image" and not form.given(name):
                form.errors.append(f"{name}: is required in image-to-image mode")
            elif mode == "text-to-image" and form.given(name):
                form.errors.append(f"{name}: is only accepted in image-to-image mode")
        if mode == "image-to-image" and form.given("aspect_ratio"):
            form.errors.append("aspect_ratio: is only accepted in text-to-image mode")
        form.raise_if_invalid()
        self._v2_moderate(call, values)
        return self._generated(call, accept, values, L.MEGAPIXELS["sd3"], values["model"] or L.SD3_MODELS[0])

    def _upscale_fast(self, call: Call) -> Reply:
        accept, form = self._v2_accept(call), self._v2_form(call)
        values = form.read(call.operation, image={"side": L.UPSCALE_FAST_SIDE, "pixels": L.UPSCALE_FAST_PIXELS})
        form.raise_if_invalid()
        found, data = _required(values["image"])
        size = (found.width * L.UPSCALE_FAST_FACTOR, found.height * L.UPSCALE_FAST_FACTOR)
        output_format = values["output_format"] or "png"
        seed = self._seed(0, L.V2_SEED.high, hashlib.sha256(data).hexdigest())  # no seed field: a random one

        def paint() -> bytes:
            return media.encode(media.resized(_decode(data, "image", "bad_request"), size), output_format)

        output = self._cached((call.operation, size, output_format), functools.partial(self._padded, paint))
        self._charge(call, _price(call.entry))
        return _v2_result(accept, "image", media.media_type(output_format), output, seed)

    def _upscale_conservative(self, call: Call) -> Reply:
        accept, form = self._v2_accept(call), self._v2_form(call)
        values = form.read(call.operation, image={"pixels": L.CONSERVATIVE_PIXELS, "ratio": L.ASPECT_RATIO_RANGE})
        form.raise_if_invalid()
        self._v2_moderate(call, values)
        found, data = _required(values["image"])
        size = media.scaled_size(found.width, found.height, L.UPSCALED_PIXELS)
        output_format, prompt = values["output_format"] or "png", values["prompt"] or ""
        seed = self._seed(given(values["seed"], 0), L.V2_SEED.high, prompt)
        creativity = given(values["creativity"], 0.35)  # the document's default

        def paint() -> bytes:
            generated = media.render(*size, seed=seed, salt=prompt)
            upscaled = media.upscale(_decode(data, "image", "bad_request"), size, generated, creativity)
            return media.encode(upscaled, output_format)

        output = self._cached((call.operation, size, output_format), functools.partial(self._padded, paint))
        self._charge(call, _price(call.entry))
        return _v2_result(accept, "image", media.media_type(output_format), output, seed)

    def _upscale_creative(self, call: Call) -> Reply:
        return self._upscale(call, L.CREATIVE_PIXELS, L.UPSCALED_PIXELS)

    # By the client method's name (the registry's). A job's result needs no handler of its own: the operation
    # that starts the job gives it the output to answer.
    _operations: dict[str, Callable[[App, Call], Reply]] = {
        "text_to_image": _text_to_image,
        "image_to_image": _image_to_image,
        "masked_image_to_image": _masked_image_to_image,
        "engines_v1alpha": _engines_v1alpha,
        "account_v1alpha": _account,
        "balance_v1alpha": _balance,
        "engines": _engines,
        "account": _account,
        "balance": _balance,
        "inpaint": _inpaint,
        "upscale": _upscale,
        "image_to_video": _image_to_video,
        "generate_ultra": _generate_ultra,
        "generate_core": _generate_core,
        "generate_sd3": _generate_sd3,
        "upscale_fast": _upscale_fast,
        "upscale_conservative": _upscale_conservative,
        "upscale_creative": _upscale_creative,
        "image_to_video_v2beta": _image_to_video,
        **dict.fromkeys(RESULT_OPERATIONS, _job_result),
    }


def _price(entry: Entry, mode: str = "") -> float:
    """The credits a call costs: the operation's documented price (by mode, where it depends on one)."""
    price = entry.price
    assert price is not None, f"{entry.name} documents no price"
    return float(price[mode]) if isinstance(price, Mapping) else float(price)


def _fault_error(version: Version, status: int) -> tuple[str, str]:
    """The error name and message an injected status answers with, as the service words them."""
    v2 = version in ("v2alpha", "v2beta")
    if status == 403 and v2:
        return "content_moderation", MODERATION_MESSAGE  # v2alpha and v2beta document no other 403
    if status == 404:
        return ("generation_not_found" if v2 else "not_found"), NOT_FOUND_MESSAGE
    messages = {
        400: "the request is invalid (injected fault)",
        401: "invalid API key",
        403: "permission denied",
        429: rate_limit_message(L.RATE_LIMIT_REQUESTS, L.RATE_LIMIT_WINDOW_SECONDS, L.RATE_LIMIT_LOCKOUT_SECONDS),
    }
    if version == "v2beta":  # the document's examples of the statuses only v2beta declares
        messages |= {413: f"body: {PAYLOAD_TOO_LARGE_MESSAGE}", 422: INVALID_LANGUAGE_MESSAGE}
    server_error = V1_SERVER_ERROR_MESSAGE if version == "v1" else SERVER_ERROR_MESSAGE
    return default_status_name(status, version), messages.get(status, server_error)


def _ratio(aspect_ratio: str) -> float:
    """`16:9` as width / height."""
    width, height = aspect_ratio.split(":")
    return int(width) / int(height)


def _alter(reply: Reply, fault: Fault) -> Reply:
    """Apply a fault that acts after processing: delay, drop, truncation or a wrong content type."""
    if fault.kind == "delay":
        return replace(reply, delay=fault.seconds)
    if fault.kind in ("drop_after_request", "truncated_body"):
        return replace(reply, action=fault.kind)
    if fault.kind == "wrong_content_type":
        headers = [(k, v) for k, v in reply.headers if k.lower() != "content-type"]
        return replace(reply, headers=[("Content-Type", fault.content_type or "text/plain"), *headers])
    return reply


def _observed(call: Call) -> tuple[dict[str, Any], dict[str, RecordedFile]]:
    """The fields and files a request carried: form fields as text, JSON fields as parsed, and the fields of
    v1alpha's JSON `options` part merged in (`options` itself stays as sent)."""
    fields: dict[str, Any] = {}
    files: dict[str, RecordedFile] = {}
    if isinstance(call.json, dict):
        fields.update((str(name), value) for name, value in call.json.items())
    for name, part in call.parts.items():
        if part.filename is None:
            fields[name] = part.text
        else:
            files[name] = RecordedFile(part.filename, part.content_type, len(part.data))
    options = call.parts.get("options")
    if options is not None:
        try:
            parsed = json.loads(options.data)
        except (ValueError, UnicodeDecodeError):
            parsed = None
        if isinstance(parsed, dict):
            for name, value in parsed.items():
                fields.setdefault(str(name), value)
    return fields, files


def _required(image: tuple[media.Probe, bytes] | None) -> tuple[media.Probe, bytes]:
    assert image is not None  # the validators raise before this when it is missing
    return image


def _decode(data: bytes, name: str, error: str) -> Any:
    try:
        return media.decode(data)
    except ValueError as exc:
        raise ErrorReply(400, error, f"{name}: the image cannot be decoded") from exc


def _as_bytes(body: media.Body) -> bytes:
    return body if isinstance(body, bytes) else body.read_all()


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _json(status: int, body: object, content_type: str = "application/json") -> Reply:
    return Reply(status, [("Content-Type", content_type)], json.dumps(body).encode())


def _v2_result(accept: str, kind: str, media_type: str, payload: media.Body, seed: int) -> Reply:
    """A finished v2alpha result: the bytes with seed headers, or JSON `{kind, finish_reason, seed}`."""
    if accept == "application/json":
        prefix = f'{{"{kind}":"'.encode()
        suffix = f'","finish_reason":"SUCCESS","seed":{seed}}}'.encode()
        body = media.json_with_base64(prefix, payload, suffix)
        return Reply(200, [("Content-Type", f"application/json; type={media_type}")], body)
    headers = [("Content-Type", media_type), ("finish-reason", "SUCCESS"), ("seed", str(seed))]
    return Reply(200, headers, payload)


# The v2beta edit, control and 3D handlers are functions of an App: they join its table once it exists.
from ._edit import HANDLERS as _EDIT_HANDLERS  # noqa: E402

App._operations.update(_EDIT_HANDLERS)
