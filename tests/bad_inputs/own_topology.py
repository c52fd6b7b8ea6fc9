"""A topology class of the user's own, outside zoo (for the trust_run tests)."""

from zoo.topologies.many_to_one import ManyToOne


class MyManyToOne(ManyToOne):
    """zoo's many-to-one, under the user's own name."""
