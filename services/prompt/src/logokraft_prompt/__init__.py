"""logokraft_prompt."""
