"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .artifact import Artifact
from .artifact_list import ArtifactList
from .balance import Balance
from .clip_guidance_preset import ClipGuidancePreset
from .content_moderation_response import ContentModerationResponse
from .encoded_image import EncodedImage
from .encoded_video import EncodedVideo
from .engine import Engine
from .engine_list import EngineList
from .error_response import ErrorResponse
from .generation_in_progress import GenerationInProgress
from .generation_started import GenerationStarted
from .get_image_to_video_result_accept import GetImageToVideoResultAccept
from .get_upscale_result_accept import GetUpscaleResultAccept
from .goa_error import GoaError
from .image_to_image_accept import ImageToImageAccept
from .image_to_image_options import ImageToImageOptions
from .image_to_image_request import ImageToImageRequest
from .image_to_video_request import ImageToVideoRequest
from .inpaint_accept import InpaintAccept
from .inpaint_mode import InpaintMode
from .inpaint_request import InpaintRequest
from .mask_source import MaskSource
from .masking_accept import MaskingAccept
from .masking_options import MaskingOptions
from .masking_request import MaskingRequest
from .organization_membership import OrganizationMembership
from .output_format import OutputFormat
from .sampler import Sampler
from .text_prompt import TextPrompt
from .text_to_image_accept import TextToImageAccept
from .text_to_image_request import TextToImageRequest
from .upscale_request import UpscaleRequest

__all__ = (
    "Account",
    "Artifact",
    "ArtifactList",
    "Balance",
    "ClipGuidancePreset",
    "ContentModerationResponse",
    "EncodedImage",
    "EncodedVideo",
    "Engine",
    "EngineList",
    "ErrorResponse",
    "GenerationInProgress",
    "GenerationStarted",
    "GetImageToVideoResultAccept",
    "GetUpscaleResultAccept",
    "GoaError",
    "ImageToImageAccept",
    "ImageToImageOptions",
    "ImageToImageRequest",
    "ImageToVideoRequest",
    "InpaintAccept",
    "InpaintMode",
    "InpaintRequest",
    "MaskingAccept",
    "MaskingOptions",
    "MaskingRequest",
    "MaskSource",
    "OrganizationMembership",
    "OutputFormat",
    "Sampler",
    "TextPrompt",
    "TextToImageAccept",
    "TextToImageRequest",
    "UpscaleRequest",
)
