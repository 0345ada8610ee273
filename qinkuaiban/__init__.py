"""勤快办 — integrated service platform for government offices administrations."""
