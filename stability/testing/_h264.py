"""The smallest correct H.264 encoder the fake needs: a still picture that pans, in an MP4 browsers play.

Theory of operation. The `testing` extra is Pillow and python-multipart only, so there is no codec library to
call; H.264 Constrained Baseline needs none for two kinds of picture:

- The first frame is one IDR slice whose every macroblock is I_PCM: the raw 8-bit Y, Cb and Cr samples (4:2:0,
  studio range 16-235/16-240, BT.601 matrix, as the SPS's VUI says), byte-aligned after a 9-bit mb_type. It is
  lossless apart from the RGB -> YCbCr conversion and big: width * height * 1.5 bytes.
- Every later frame is a P slice that references only that IDR frame (they are not themselves references, so
  no error or blur builds up) and codes each macroblock as P_L0_16x16 with one whole-picture motion vector and
  no residual (coded_block_pattern 0). The decoder moves the first picture; the edges it uncovers repeat the
  border pixels. About 5 bits a macroblock, so a frame costs about a kilobyte and the clip's length is nearly
  free: the file is the size of one raw frame, whatever the frame count.

Motion vector prediction (8.4.1.3) with one vector everywhere: the first macroblock's predictor is (0, 0) (no
neighbours), and every other one's is the vector itself (the top row copies its left neighbour; the left column
takes the median of (0, 0) and two equal vectors), so only the first macroblock carries a difference.

No sample is below 16, so the only zero bytes in a slice are the one after each I_PCM mb_type and whatever the
headers hold: emulation prevention is needed in the headers alone, and a slice's size is known before its
pixels are converted, which lets a padded MP4 announce its length before streaming it.

The container is a plain progressive MP4: ftyp, moov (one video track: mvhd, trak/tkhd, mdia/mdhd, hdlr, minf
with vmhd, dinf and stbl: stsd avc1 + avcC, stts, stss, stsc, stsz, stco), then mdat with every frame in one
chunk, each a 4-byte length and a NAL unit.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MB = 16
# Level 3.1 covers every image-to-video size (2304 macroblocks of at most 3600) at these frame rates.
PROFILE, CONSTRAINTS, LEVEL = 66, 0xC0, 31  # Constrained Baseline: constraint_set0 and set1
LOG2_MAX_POC_LSB = 8
_I_PCM = 25  # mb_type in an I slice
_NAL_SPS, _NAL_PPS, _NAL_IDR, _NAL_NON_IDR = 7, 8, 5, 1


class _Bits:
    """An RBSP written bit by bit: fixed-width fields and exp-Golomb codes."""

    def __init__(self) -> None:
        self._value = 0
        self._count = 0

    def u(self, width: int, value: int) -> _Bits:
        self._value = (self._value << width) | (value & ((1 << width) - 1))
        self._count += width
        return self

    def ue(self, value: int) -> _Bits:
        code = value + 1
        return self.u(2 * code.bit_length() - 1, code)

    def se(self, value: int) -> _Bits:
        return self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align(self, bit: int = 0) -> _Bits:
        while self._count % 8:
            self.u(1, bit)
        return self

    def trailing(self) -> bytes:
        """rbsp_trailing_bits: a stop bit, then zeros to the byte boundary."""
        return self.u(1, 1).align().bytes()

    def bytes(self) -> bytes:
        assert self._count % 8 == 0, "not byte-aligned"
        return self._value.to_bytes(self._count // 8, "big")


_EMULATED = re.compile(b"\x00\x00(?=[\x00-\x03])")


def escape(rbsp: bytes) -> bytes:
    """Insert emulation prevention bytes: 00 00 0x (x <= 3) becomes 00 00 03 0x."""
    return _EMULATED.sub(b"\x00\x00\x03", rbsp)


def nal(kind: int, ref_idc: int, rbsp: bytes) -> bytes:
    return bytes([(ref_idc << 5) | kind]) + escape(rbsp)


def _padded(side: int) -> int:
    return -(-side // MB) * MB


@dataclass(frozen=True, slots=True)
class Stream:
    """The fixed parts of a clip: its size, frame rate and the parameter sets that describe it."""

    width: int
    height: int
    fps: int

    def __post_init__(self) -> None:
        if self.width % 2 or self.height % 2 or self.width <= 0 or self.height <= 0:
            raise ValueError(f"4:2:0 needs even sides, not {self.width}x{self.height}")

    @property
    def mbs(self) -> tuple[int, int]:
        return _padded(self.width) // MB, _padded(self.height) // MB

    def sps(self) -> bytes:
        columns, rows = self.mbs
        bits = _Bits().u(8, PROFILE).u(8, CONSTRAINTS).u(8, LEVEL).ue(0)  # seq_parameter_set_id
        bits.ue(0)  # log2_max_frame_num_minus4
        bits.ue(0).ue(LOG2_MAX_POC_LSB - 4)  # pic_order_cnt_type 0: P frames are not references (see module doc)
        bits.ue(1).u(1, 0)  # max_num_ref_frames, gaps_in_frame_num_value_allowed_flag
        bits.ue(columns - 1).ue(rows - 1)
        bits.u(1, 1).u(1, 1)  # frame_mbs_only_flag, direct_8x8_inference_flag
        crop_right, crop_bottom = (columns * MB - self.width) // 2, (rows * MB - self.height) // 2
        if crop_right or crop_bottom:  # in 2-sample units for 4:2:0
            bits.u(1, 1).ue(0).ue(crop_right).ue(0).ue(crop_bottom)
        else:
            bits.u(1, 0)
        bits.u(1, 1)  # vui_parameters_present_flag
        bits.u(1, 0).u(1, 0)  # no aspect ratio (square pixels), no overscan info
        # video_format unspecified, studio range; BT.709 primaries and transfer (sRGB's), BT.601 matrix (Pillow's).
        bits.u(1, 1).u(3, 5).u(1, 0).u(1, 1).u(8, 1).u(8, 1).u(8, 6)
        bits.u(1, 0)  # chroma_loc_info_present_flag
        bits.u(1, 1).u(32, 1).u(32, 2 * self.fps).u(1, 1)  # timing: a tick is half a frame; fixed rate
        bits.u(1, 0).u(1, 0).u(1, 0)  # no NAL or VCL HRD, pic_struct_present_flag
        # bitstream_restriction: no reordering, one frame buffered, so decoders show each frame at once.
        bits.u(1, 1).u(1, 1).ue(0).ue(0).ue(16).ue(16).ue(0).ue(1)
        return nal(_NAL_SPS, 3, bits.trailing())

    def pps(self) -> bytes:
        bits = _Bits().ue(0).ue(0)  # pic_parameter_set_id, seq_parameter_set_id
        bits.u(1, 0).u(1, 0).ue(0)  # CAVLC, no bottom field POC, one slice group
        bits.ue(0).ue(0).u(1, 0).u(2, 0)  # one reference in each list, no weighted prediction
        bits.se(0).se(0).se(0)  # pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
        bits.u(1, 1).u(1, 0).u(1, 0)  # deblocking control present (slices turn it off), no constrained intra
        return nal(_NAL_PPS, 3, bits.trailing())

    # ------------------------------------------------------------------------------------ slices

    def _slice_header(self, *, idr: bool, poc: int) -> _Bits:
        bits = _Bits().ue(0).ue(7 if idr else 5).ue(0)  # first_mb_in_slice, slice_type I or P (all), pps id
        bits.u(4, 0 if idr else 1)  # frame_num: the IDR is frame 0, every P frame (not a reference) follows it
        if idr:
            bits.ue(0)  # idr_pic_id: the only IDR
        bits.u(LOG2_MAX_POC_LSB, poc % (1 << LOG2_MAX_POC_LSB))
        if idr:
            bits.u(1, 0).u(1, 0)  # dec_ref_pic_marking: no_output_of_prior_pics_flag, long_term_reference_flag
        else:
            bits.u(1, 0).u(1, 0)  # num_ref_idx_active_override_flag, ref_pic_list_modification_flag_l0
        return bits.se(0).ue(1)  # slice_qp_delta; disable_deblocking_filter_idc 1 (nothing to smooth)

    def _idr_head(self) -> bytes:
        """The IDR slice up to its first macroblock's samples: header, mb_type I_PCM and alignment, escaped."""
        return nal(_NAL_IDR, 3, self._slice_header(idr=True, poc=0).ue(_I_PCM).align().bytes())

    def idr_size(self) -> int:
        columns, rows = self.mbs
        return len(self._idr_head()) + columns * rows * 384 + (columns * rows - 1) * 2 + 1

    def idr(self, picture: Image) -> bytes:
        """The IDR NAL unit of `picture` (RGB at the stream's size): every macroblock I_PCM."""
        luma, cb, cr = _planes(picture, *(n * MB for n in self.mbs))
        columns, rows = self.mbs
        # A column strip's bytes hold its macroblocks one after another: 16 rows of 16 (luma) or 8 of 8 (chroma).
        strips = [
            (
                luma.crop((c * 16, 0, c * 16 + 16, rows * 16)).tobytes(),
                *(plane.crop((c * 8, 0, c * 8 + 8, rows * 8)).tobytes() for plane in (cb, cr)),
            )
            for c in range(columns)
        ]
        parts = [self._idr_head()]
        between = _Bits().ue(_I_PCM).align().bytes()
        for r in range(rows):
            for c in range(columns):
                y, u, v = strips[c]
                if r or c:
                    parts.append(between)
                parts += (y[r * 256 : r * 256 + 256], u[r * 64 : r * 64 + 64], v[r * 64 : r * 64 + 64])
        parts.append(b"\x80")  # rbsp_slice_trailing_bits after the last (byte-aligned) samples
        return b"".join(parts)

    def moved(self, index: int, dx: int, dy: int) -> bytes:
        """Frame `index` as a P slice: the IDR picture moved by (-dx, -dy) whole pixels."""
        # A non-reference frame's order count is read against the IDR's (0): past half the lsb range it would wrap.
        assert 0 < 2 * index < 1 << (LOG2_MAX_POC_LSB - 1), f"frame {index} is past what the POC lsb can order"
        columns, rows = self.mbs
        bits = self._slice_header(idr=False, poc=2 * index)
        # Each macroblock: mb_skip_run 0, mb_type P_L0_16x16, the vector's difference from its prediction (in
        # quarter samples: only the first one differs), coded_block_pattern 0 (no residual).
        bits.ue(0).ue(0).se(4 * dx).se(4 * dy).ue(0)
        rest = 5 * (columns * rows - 1)  # each of the others is five 1 bits: ue(0) ue(0) se(0) se(0) ue(0)
        bits.u(rest, (1 << rest) - 1)
        return nal(_NAL_NON_IDR, 0, bits.trailing())


def _planes(picture: Image, width: int, height: int) -> tuple[Image, Image, Image]:
    """Studio-range Y at `width`x`height` and Cb, Cr at half that (2x2 averages).

    The picture fills the top left; the rest (cropped away by the SPS) repeats its last column and row, so a
    pan that uncovers it shows the picture's edge, as a decoder's own border extension would.
    """
    from PIL import Image

    picture = picture.convert("RGB")
    canvas = Image.new("RGB", (width, height))
    canvas.paste(picture)
    w, h = picture.size
    if width > w:
        canvas.paste(canvas.crop((w - 1, 0, w, h)).resize((width - w, h)), (w, 0))
    if height > h:
        canvas.paste(canvas.crop((0, h - 1, width, h)).resize((width, height - h)), (0, h))
    y, cb, cr = canvas.convert("YCbCr").split()  # full-range BT.601 (JFIF), squeezed to studio range below
    half = (width // 2, height // 2)
    cb, cr = (c.resize(half, Image.Resampling.BOX).point(_CHROMA) for c in (cb, cr))
    return y.point(_LUMA), cb, cr


_LUMA = [16 + (219 * v + 127) // 255 for v in range(256)]
_CHROMA = [16 + (224 * v + 127) // 255 for v in range(256)]


# ------------------------------------------------------------------------------------------------ MP4


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full(kind: bytes, version_flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", version_flags), *payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
MOVIE_TIMESCALE = 1000
TRACK_TIMESCALE = 12800


@dataclass(frozen=True, slots=True)
class Layout:
    """An MP4's bytes before its frames, and each frame's size: known before any pixel is converted."""

    head: bytes
    """ftyp, moov and the mdat header: the frames follow at once."""
    sizes: tuple[int, ...]
    """Each frame's sample size (a 4-byte length and its NAL unit)."""
    padding: int
    """Zero bytes in mdat after the frames (no sample points at them, so players skip them)."""

    @property
    def length(self) -> int:
        return len(self.head) + sum(self.sizes) + self.padding


def layout(stream: Stream, moved: list[bytes], size: int | None = None) -> Layout:
    """The MP4 around an IDR frame and the `moved` P frames, padded to `size` bytes when that is larger."""
    sizes = (4 + stream.idr_size(), *(4 + len(frame) for frame in moved))
    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso2avc1mp41")
    moov_size = len(_moov(stream, sizes, 0))
    frames = sum(sizes)
    if size is None or size <= len(ftyp) + moov_size + 16 + frames:
        mdat = struct.pack(">I4s", 8 + frames, b"mdat")
        padding = 0
    else:  # a 64-bit mdat header (size 1 + largesize), valid at any size
        mdat = struct.pack(">I4sQ", 1, b"mdat", size - len(ftyp) - moov_size)
        padding = size - len(ftyp) - moov_size - 16 - frames
    moov = _moov(stream, sizes, len(ftyp) + moov_size + len(mdat))
    return Layout(ftyp + moov + mdat, sizes, padding)


def _moov(stream: Stream, sizes: tuple[int, ...], offset: int) -> bytes:
    count, delta = len(sizes), TRACK_TIMESCALE // stream.fps
    movie_duration = count * MOVIE_TIMESCALE // stream.fps
    mvhd = _full(
        b"mvhd",
        0,
        struct.pack(">IIII", 0, 0, MOVIE_TIMESCALE, movie_duration),
        struct.pack(">IH10x", 0x10000, 0x100),
        _MATRIX,
        bytes(24),
        struct.pack(">I", 2),
    )
    tkhd = _full(
        b"tkhd",
        3,  # enabled, in the movie
        struct.pack(">IIII", 0, 0, 1, 0),
        struct.pack(">I8xhhh2x", movie_duration, 0, 0, 0),
        _MATRIX,
        struct.pack(">II", stream.width << 16, stream.height << 16),
    )
    mdhd = _full(b"mdhd", 0, struct.pack(">IIIIHH", 0, 0, TRACK_TIMESCALE, count * delta, 0x55C4, 0))  # und
    hdlr = _full(b"hdlr", 0, struct.pack(">I4s12x", 0, b"vide"), b"VideoHandler\x00")
    vmhd = _full(b"vmhd", 1, bytes(8))
    dinf = _box(b"dinf", _full(b"dref", 0, struct.pack(">I", 1), _full(b"url ", 1)))
    sps, pps = stream.sps(), stream.pps()
    avcc = _box(
        b"avcC",
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),  # 4-byte NAL lengths, one SPS
        struct.pack(">H", len(sps)),
        sps,
        bytes([1]),
        struct.pack(">H", len(pps)),
        pps,
    )
    avc1 = _box(
        b"avc1",
        bytes(6),
        struct.pack(">H16x", 1),  # data_reference_index, then pre_defined and reserved
        struct.pack(">HHIIIH", stream.width, stream.height, 0x480000, 0x480000, 0, 1),
        bytes([14]) + b"stability fake".ljust(31, b"\x00"),  # compressorname, a 32-byte Pascal string
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )
    stbl = _box(
        b"stbl",
        _full(b"stsd", 0, struct.pack(">I", 1), avc1),
        _full(b"stts", 0, struct.pack(">III", 1, count, delta)),
        _full(b"stss", 0, struct.pack(">II", 1, 1)),  # only the first frame is a sync sample
        _full(b"stsc", 0, struct.pack(">IIII", 1, 1, count, 1)),  # one chunk holds every frame
        _full(b"stsz", 0, struct.pack(">II", 0, count), struct.pack(f">{count}I", *sizes)),
        _full(b"stco", 0, struct.pack(">II", 1, offset)),
    )
    minf = _box(b"minf", vmhd, dinf, stbl)
    return _box(b"moov", mvhd, _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf)))


def samples(stream: Stream, picture: Image, moved: list[bytes]) -> Iterator[bytes]:
    """The mdat's frames in order: each NAL unit after its 4-byte length."""
    for frame in (stream.idr(picture), *moved):
        yield struct.pack(">I", len(frame)) + frame
