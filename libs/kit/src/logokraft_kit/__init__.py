"""logokraft_kit."""
