"""pdfium calls made once per printed line, without ctypes' argument conversion.

pypdfium2's bindings declare `argtypes`, so every call converts each argument through `from_param`:
about 0.9 µs a call against 0.35-0.45 µs for the same function with only its return type declared
(measured on FPDFText_GetCharOrigin and FPDFText_GetFontSize). The PDF reader makes two or three
such calls per line; with these, reading the text layer of 40 sample-derived PDFs took 3% less time.

Without `argtypes` nothing checks the arguments, so the callers here pass exactly what C expects:
Python ints only for `int` parameters, `ctypes.byref(...)` for pointers, a `c_ulong` for an
`unsigned long`. If the library handle cannot be had (it is private to pypdfium2_raw), the checked
bindings are used instead, with the same calling convention, so nothing else changes.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c


def _unchecked(name: str, restype: Any) -> Any:
    try:
        from pypdfium2_raw import bindings

        function = bindings._libs["pdfium"][name]  # a fresh function object: the bindings' own keeps its argtypes
    except (ImportError, AttributeError, KeyError, TypeError):
        return getattr(pdfium_c, name)
    function.restype = restype
    return function


# (textpage, index: int, x: byref(c_double), y: byref(c_double)) -> FPDF_BOOL
get_char_origin = _unchecked("FPDFText_GetCharOrigin", ctypes.c_int)
# (textpage, index: int) -> font size in points
get_font_size = _unchecked("FPDFText_GetFontSize", ctypes.c_double)
# (textpage, index: int, matrix: byref(FS_MATRIX)) -> FPDF_BOOL
get_matrix = _unchecked("FPDFText_GetMatrix", ctypes.c_int)
# (textpage, index: int) -> weight (400 normal, 700 bold), -1 on failure
get_font_weight = _unchecked("FPDFText_GetFontWeight", ctypes.c_int)
# (textpage, index: int, buffer: char array, length: c_ulong, flags: byref(c_int)) -> bytes needed
get_font_info = _unchecked("FPDFText_GetFontInfo", ctypes.c_ulong)
# (textpage, index: int) -> the character's code point
get_unicode = _unchecked("FPDFText_GetUnicode", ctypes.c_uint)
# (textpage, index: int, left, right, bottom, top: byref(c_double)) -> FPDF_BOOL
get_char_box = _unchecked("FPDFText_GetCharBox", ctypes.c_int)
