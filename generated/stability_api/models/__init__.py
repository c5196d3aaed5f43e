"""Contains all the data models used in inputs/outputs

Each model's module is imported when its name is first looked up here, not with the package: a program that uses
one model does not pay for importing all of them.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .account import Account
    from .artifact import Artifact
    from .artifact_list import ArtifactList
    from .aspect_ratio import AspectRatio
    from .balance import Balance
    from .clip_guidance_preset import ClipGuidancePreset
    from .content_moderation_response import ContentModerationResponse
    from .control_sketch_accept import ControlSketchAccept
    from .control_sketch_request import ControlSketchRequest
    from .control_structure_accept import ControlStructureAccept
    from .control_structure_request import ControlStructureRequest
    from .control_style_accept import ControlStyleAccept
    from .control_style_request import ControlStyleRequest
    from .edit_erase_accept import EditEraseAccept
    from .edit_erase_request import EditEraseRequest
    from .edit_inpaint_accept import EditInpaintAccept
    from .edit_inpaint_request import EditInpaintRequest
    from .edit_outpaint_accept import EditOutpaintAccept
    from .edit_outpaint_request import EditOutpaintRequest
    from .edit_remove_background_accept import EditRemoveBackgroundAccept
    from .edit_remove_background_request import EditRemoveBackgroundRequest
    from .edit_replace_background_and_relight_request import (
        EditReplaceBackgroundAndRelightRequest,
    )
    from .edit_search_and_recolor_accept import EditSearchAndRecolorAccept
    from .edit_search_and_recolor_request import EditSearchAndRecolorRequest
    from .edit_search_and_replace_accept import EditSearchAndReplaceAccept
    from .edit_search_and_replace_request import EditSearchAndReplaceRequest
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
    from .get_image_to_video_v2_beta_result_accept import (
        GetImageToVideoV2BetaResultAccept,
    )
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
    from .keep_original_background import KeepOriginalBackground
    from .light_source_direction import LightSourceDirection
    from .mask_source import MaskSource
    from .masking_accept import MaskingAccept
    from .masking_options import MaskingOptions
    from .masking_request import MaskingRequest
    from .organization_membership import OrganizationMembership
    from .output_format import OutputFormat
    from .remesh import Remesh
    from .remove_background_output_format import RemoveBackgroundOutputFormat
    from .sampler import Sampler
    from .sd_3_mode import Sd3Mode
    from .sd_3_model import Sd3Model
    from .sd_3_output_format import Sd3OutputFormat
    from .stable_fast_3d_request import StableFast3DRequest
    from .style_preset import StylePreset
    from .text_prompt import TextPrompt
    from .text_to_image_accept import TextToImageAccept
    from .text_to_image_request import TextToImageRequest
    from .texture_resolution import TextureResolution
    from .upscale_conservative_accept import UpscaleConservativeAccept
    from .upscale_conservative_request import UpscaleConservativeRequest
    from .upscale_creative_request import UpscaleCreativeRequest
    from .upscale_fast_accept import UpscaleFastAccept
    from .upscale_fast_request import UpscaleFastRequest
    from .upscale_request import UpscaleRequest
    from .v1_error import V1Error

_MODULES = {
    "Account": ".account",
    "Artifact": ".artifact",
    "ArtifactList": ".artifact_list",
    "AspectRatio": ".aspect_ratio",
    "Balance": ".balance",
    "ClipGuidancePreset": ".clip_guidance_preset",
    "ContentModerationResponse": ".content_moderation_response",
    "ControlSketchAccept": ".control_sketch_accept",
    "ControlSketchRequest": ".control_sketch_request",
    "ControlStructureAccept": ".control_structure_accept",
    "ControlStructureRequest": ".control_structure_request",
    "ControlStyleAccept": ".control_style_accept",
    "ControlStyleRequest": ".control_style_request",
    "EditEraseAccept": ".edit_erase_accept",
    "EditEraseRequest": ".edit_erase_request",
    "EditInpaintAccept": ".edit_inpaint_accept",
    "EditInpaintRequest": ".edit_inpaint_request",
    "EditOutpaintAccept": ".edit_outpaint_accept",
    "EditOutpaintRequest": ".edit_outpaint_request",
    "EditRemoveBackgroundAccept": ".edit_remove_background_accept",
    "EditRemoveBackgroundRequest": ".edit_remove_background_request",
    "EditReplaceBackgroundAndRelightRequest": ".edit_replace_background_and_relight_request",
    "EditSearchAndRecolorAccept": ".edit_search_and_recolor_accept",
    "EditSearchAndRecolorRequest": ".edit_search_and_recolor_request",
    "EditSearchAndReplaceAccept": ".edit_search_and_replace_accept",
    "EditSearchAndReplaceRequest": ".edit_search_and_replace_request",
    "EncodedImage": ".encoded_image",
    "EncodedVideo": ".encoded_video",
    "Engine": ".engine",
    "EngineList": ".engine_list",
    "ErrorResponse": ".error_response",
    "GenerateCoreAccept": ".generate_core_accept",
    "GenerateCoreRequest": ".generate_core_request",
    "GenerateSd3Accept": ".generate_sd_3_accept",
    "GenerateSd3Request": ".generate_sd_3_request",
    "GenerateUltraAccept": ".generate_ultra_accept",
    "GenerateUltraRequest": ".generate_ultra_request",
    "GenerationInProgress": ".generation_in_progress",
    "GenerationStarted": ".generation_started",
    "GetImageToVideoResultAccept": ".get_image_to_video_result_accept",
    "GetImageToVideoV2BetaResultAccept": ".get_image_to_video_v2_beta_result_accept",
    "GetResultAccept": ".get_result_accept",
    "GetUpscaleCreativeResultAccept": ".get_upscale_creative_result_accept",
    "GetUpscaleResultAccept": ".get_upscale_result_accept",
    "GoaError": ".goa_error",
    "ImageToImageAccept": ".image_to_image_accept",
    "ImageToImageOptions": ".image_to_image_options",
    "ImageToImageRequest": ".image_to_image_request",
    "ImageToVideoRequest": ".image_to_video_request",
    "ImageToVideoV2BetaRequest": ".image_to_video_v2_beta_request",
    "InpaintAccept": ".inpaint_accept",
    "InpaintMode": ".inpaint_mode",
    "InpaintRequest": ".inpaint_request",
    "KeepOriginalBackground": ".keep_original_background",
    "LightSourceDirection": ".light_source_direction",
    "MaskSource": ".mask_source",
    "MaskingAccept": ".masking_accept",
    "MaskingOptions": ".masking_options",
    "MaskingRequest": ".masking_request",
    "OrganizationMembership": ".organization_membership",
    "OutputFormat": ".output_format",
    "Remesh": ".remesh",
    "RemoveBackgroundOutputFormat": ".remove_background_output_format",
    "Sampler": ".sampler",
    "Sd3Mode": ".sd_3_mode",
    "Sd3Model": ".sd_3_model",
    "Sd3OutputFormat": ".sd_3_output_format",
    "StableFast3DRequest": ".stable_fast_3d_request",
    "StylePreset": ".style_preset",
    "TextPrompt": ".text_prompt",
    "TextToImageAccept": ".text_to_image_accept",
    "TextToImageRequest": ".text_to_image_request",
    "TextureResolution": ".texture_resolution",
    "UpscaleConservativeAccept": ".upscale_conservative_accept",
    "UpscaleConservativeRequest": ".upscale_conservative_request",
    "UpscaleCreativeRequest": ".upscale_creative_request",
    "UpscaleFastAccept": ".upscale_fast_accept",
    "UpscaleFastRequest": ".upscale_fast_request",
    "UpscaleRequest": ".upscale_request",
    "V1Error": ".v1_error",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = (
    "Account",
    "Artifact",
    "ArtifactList",
    "AspectRatio",
    "Balance",
    "ClipGuidancePreset",
    "ContentModerationResponse",
    "ControlSketchAccept",
    "ControlSketchRequest",
    "ControlStructureAccept",
    "ControlStructureRequest",
    "ControlStyleAccept",
    "ControlStyleRequest",
    "EditEraseAccept",
    "EditEraseRequest",
    "EditInpaintAccept",
    "EditInpaintRequest",
    "EditOutpaintAccept",
    "EditOutpaintRequest",
    "EditRemoveBackgroundAccept",
    "EditRemoveBackgroundRequest",
    "EditReplaceBackgroundAndRelightRequest",
    "EditSearchAndRecolorAccept",
    "EditSearchAndRecolorRequest",
    "EditSearchAndReplaceAccept",
    "EditSearchAndReplaceRequest",
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
    "KeepOriginalBackground",
    "LightSourceDirection",
    "MaskingAccept",
    "MaskingOptions",
    "MaskingRequest",
    "MaskSource",
    "OrganizationMembership",
    "OutputFormat",
    "Remesh",
    "RemoveBackgroundOutputFormat",
    "Sampler",
    "Sd3Mode",
    "Sd3Model",
    "Sd3OutputFormat",
    "StableFast3DRequest",
    "StylePreset",
    "TextPrompt",
    "TextToImageAccept",
    "TextToImageRequest",
    "TextureResolution",
    "UpscaleConservativeAccept",
    "UpscaleConservativeRequest",
    "UpscaleCreativeRequest",
    "UpscaleFastAccept",
    "UpscaleFastRequest",
    "UpscaleRequest",
    "V1Error",
)
