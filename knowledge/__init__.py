"""scalexpert's built-in knowledge base (data files, shipped in the wheel)."""
