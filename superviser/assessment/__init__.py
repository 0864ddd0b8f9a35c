"""The units' assessment (考核): rules (versioned settings), periods, and scores computed
from the log alone, every point explained by the entry and the rule that gave it."""
