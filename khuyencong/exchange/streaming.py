"""Kept until the registers move into their apps; remove then: the module is :mod:`khuyencong.core.streaming`."""

from khuyencong.core.streaming import *  # noqa: F403
from khuyencong.core.streaming import (  # noqa: F401
    BOM,
    CSV,
    FORMATS,
    XLSX,
    XLSX_CONTENT_TYPE,
    ExportableListMixin,
    ExportColumn,
    bad_format_message,
    col,
    content_disposition,
    csv_response,
    export_links,
    export_list,
    export_table,
    filter_status,
    joined,
    neutralise,
    plain_value,
    requested_format,
    shown_in_full,
    text_value,
    unless_bad_filters,
    xlsx_response,
)
