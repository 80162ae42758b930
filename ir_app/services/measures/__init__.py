"""Measures (biện pháp): the commune's applied controls, the starter library they are adopted
from, and the protection plan of each dossier as a view over them."""
