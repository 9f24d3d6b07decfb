"""PII detection in free text: Presidio recognizers for Chinese and English PII, no model needed."""

from masking.detect.config import DetectorConfig, DetectorConfigError, load_detector_config
from masking.detect.detector import PiiDetector, build_detector
from masking.detect.result import Detected
from masking.detect.stock import stock_presidio_analyzer

__all__ = [
    "Detected",
    "DetectorConfig",
    "DetectorConfigError",
    "PiiDetector",
    "build_detector",
    "load_detector_config",
    "stock_presidio_analyzer",
]
