"""logokraft_refine."""
