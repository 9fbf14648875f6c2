"""KhuyenCong: provincial industrial-extension (khuyến công) management system."""
