"""scalexpert's built-in rules (data files, shipped in the wheel)."""
