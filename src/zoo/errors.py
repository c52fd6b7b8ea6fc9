"""The one exception type for mistakes a user can make (config, data, checkpoint).

Entry points catch it and print its message as a single sentence, without a traceback.
"""


class ZooError(Exception):
    """A user-fixable problem; the message says what is wrong and how to fix it."""
