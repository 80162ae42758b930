"""`python -m ir_app` is the same as the `ir-app` console script."""
from ir_app.cli import main

main()
