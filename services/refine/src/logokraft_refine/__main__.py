"""`python -m logokraft_refine` runs the refine service."""

from logokraft_refine.server import main

if __name__ == "__main__":
    main()
