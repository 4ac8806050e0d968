"""wenzhai inference: text clean-up, segmentation, encoders, classifier, summariser, pipeline.

Everything needed at inference time lives here so that `training/` and `serving/` never duplicate it.
"""

__version__ = "0.1.0"
