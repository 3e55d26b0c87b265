"""LogoKraft's public gateway: the /api/v1 REST + SSE contract in front of the gRPC services."""
