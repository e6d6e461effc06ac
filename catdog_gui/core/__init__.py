"""The engine of catdog-gui, free of Qt: data, preprocessing, models, training, evaluation, prediction.

The command line, the tests and the window all drive these modules directly.
"""
