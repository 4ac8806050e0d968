"""Names of the ways the theme encoder can run (kept apart from the classifier so the CLI can offer
them without importing PyTorch). What each one does: ``models.classifier.InferenceSettings.backend``."""

BACKENDS = ("torch", "onnx-int8", "torch-int8")
BACKEND_ENV = "WENZHAI_BACKEND"
