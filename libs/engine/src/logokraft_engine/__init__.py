"""logokraft_engine."""
