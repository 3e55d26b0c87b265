"""`python -m logokraft_cli`: the same as the `logokraft` command."""

from logokraft_cli.main import app

if __name__ == "__main__":
    app(prog_name="logokraft")
