"""Errors that are the user's to fix. Their messages are shown as they are, never as a traceback."""


class UserError(Exception):
    """Bad input: a folder, file or setting the user chose. The CLI exits with status 2."""


class DataError(UserError):
    """A dataset that cannot be used as it is (missing folder, too few classes, an empty class...)."""


class ModelFileError(UserError):
    """A model file that is not ours, is damaged, or was changed after it was written."""
