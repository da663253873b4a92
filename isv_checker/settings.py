"""Reading settings, checked once when made so a reader never meets a nonsense limit."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Limits and OCR choices for reading one file.

    `ocr`: "auto" runs OCR on pages that lack a text layer but carry an image, "never" reports such
    pages as needing OCR, "always" OCRs every page (for PDFs whose text layer is garbage).
    """

    max_bytes: int = 256 * 1024 * 1024
    max_notice_bytes: int = 16 * 1024 * 1024  # an XML notice; the largest real ones (100 lots) are under 2 MB
    max_pages: int = 10_000
    max_blocks: int = 500_000
    ocr: str = "auto"
    ocr_languages: str = "nld+eng"
    ocr_dpi: int = 200
    ocr_max_pages: int = 200
    ocr_workers: int = field(default_factory=_default_workers)
    ocr_page_timeout: float = 120.0
    tesseract_cmd: str = "tesseract"
    converter_timeout: float = 120.0  # seconds antiword or catdoc may take over one .doc or .rtf file
    min_text_chars_per_page: int = 16

    def __post_init__(self) -> None:
        if self.ocr not in ("auto", "never", "always"):
            raise ValueError(f"ocr must be 'auto', 'never' or 'always', not {self.ocr!r}")
        for name in ("max_bytes", "max_notice_bytes", "max_pages", "max_blocks", "ocr_dpi", "ocr_workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if not 50 <= self.ocr_dpi <= 600:
            raise ValueError(f"ocr_dpi must be between 50 and 600, not {self.ocr_dpi}")
        if self.ocr_max_pages < 0:
            raise ValueError(f"ocr_max_pages must not be negative, not {self.ocr_max_pages}")
