"""logokraft_imagegen."""
