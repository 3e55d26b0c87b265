"""`python -m logokraft_prompt` runs the prompt service (brand projects and their prompts)."""

from logokraft_prompt.server import main

if __name__ == "__main__":
    main()
