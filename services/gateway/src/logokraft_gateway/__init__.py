"""logokraft_gateway."""
