"""A system's design: network zones, components placed in them, connections; the logical and
physical model texts and the diagram picture of the thuyết minh."""
