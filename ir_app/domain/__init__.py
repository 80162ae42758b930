"""Pure rules: no Flask, no SQL; standard library only."""
