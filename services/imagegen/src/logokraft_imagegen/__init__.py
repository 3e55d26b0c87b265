"""LogoKraft's imagegen service: draws each candidate from its prompt (Seedream, or the local
logo engine), from the JetStream work queue."""
