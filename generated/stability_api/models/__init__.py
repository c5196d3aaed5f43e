"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .artifact import Artifact
from .artifact_list import ArtifactList
from .aspect_ratio import AspectRatio
from .balance import Balance
from .clip_guidance_preset import ClipGuidancePreset
from .content_moderation_response import ContentModerationResponse
from .encoded_image import EncodedImage
from .encoded_video import EncodedVideo
from .engine import Engine
from .engine_list import EngineList
from .error_response import ErrorResponse
from .generate_core_accept import GenerateCoreAccept
from .generate_core_request import GenerateCoreRequest
from .generate_sd_3_accept import GenerateSd3Accept
from .generate_sd_3_request import GenerateSd3Request
from .generate_ultra_accept import GenerateUltraAccept
from .generate_ultra_request import GenerateUltraRequest
from .generation_in_progress import GenerationInProgress
from .generation_started import GenerationStarted
from .get_image_to_video_result_accept import GetImageToVideoResultAccept
from .get_image_to_video_v2_beta_result_accept import GetImageToVideoV2BetaResultAccept
from .get_result_accept import GetResultAccept
from .get_upscale_creative_result_accept import GetUpscaleCreativeResultAccept
from .get_upscale_result_accept import GetUpscaleResultAccept
from .goa_error import GoaError
from .image_to_image_accept import ImageToImageAccept
from .image_to_image_options import ImageToImageOptions
from .image_to_image_request import ImageToImageRequest
from .image_to_video_request import ImageToVideoRequest
from .image_to_video_v2_beta_request import ImageToVideoV2BetaRequest
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
from .sd_3_mode import Sd3Mode
from .sd_3_model import Sd3Model
from .sd_3_output_format import Sd3OutputFormat
from .style_preset import StylePreset
from .text_prompt import TextPrompt
from .text_to_image_accept import TextToImageAccept
from .text_to_image_request import TextToImageRequest
from .upscale_conservative_accept import UpscaleConservativeAccept
from .upscale_conservative_request import UpscaleConservativeRequest
from .upscale_creative_request import UpscaleCreativeRequest
from .upscale_fast_accept import UpscaleFastAccept
from .upscale_fast_request import UpscaleFastRequest
from .upscale_request import UpscaleRequest
from .v1_error import V1Error

__all__ = (
    "Account",
    "Artifact",
    "ArtifactList",
    "AspectRatio",
    "Balance",
    "ClipGuidancePreset",
    "ContentModerationResponse",
    "EncodedImage",
    "EncodedVideo",
    "Engine",
    "EngineList",
    "ErrorResponse",
    "GenerateCoreAccept",
    "GenerateCoreRequest",
    "GenerateSd3Accept",
    "GenerateSd3Request",
    "GenerateUltraAccept",
    "GenerateUltraRequest",
    "GenerationInProgress",
    "GenerationStarted",
    "GetImageToVideoResultAccept",
    "GetImageToVideoV2BetaResultAccept",
    "GetResultAccept",
    "GetUpscaleCreativeResultAccept",
    "GetUpscaleResultAccept",
    "GoaError",
    "ImageToImageAccept",
    "ImageToImageOptions",
    "ImageToImageRequest",
    "ImageToVideoRequest",
    "ImageToVideoV2BetaRequest",
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
    "Sd3Mode",
    "Sd3Model",
    "Sd3OutputFormat",
    "StylePreset",
    "TextPrompt",
    "TextToImageAccept",
    "TextToImageRequest",
    "UpscaleConservativeAccept",
    "UpscaleConservativeRequest",
    "UpscaleCreativeRequest",
    "UpscaleFastAccept",
    "UpscaleFastRequest",
    "UpscaleRequest",
    "V1Error",
)
