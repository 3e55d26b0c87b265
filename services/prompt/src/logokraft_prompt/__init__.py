"""LogoKraft's prompt service: it owns brand projects (create, list, read, watch) and turns
each project's brief into image prompts (Gemini, or the local prompt writer)."""
