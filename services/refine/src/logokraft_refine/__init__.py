"""LogoKraft's refine service: variations of a completed logo from an instruction (Gemini and
Nano Banana, or the local editor), each linked to its parent."""
