"""`python -m logokraft_imagegen` runs the imagegen service."""

from logokraft_imagegen.server import main

if __name__ == "__main__":
    main()
